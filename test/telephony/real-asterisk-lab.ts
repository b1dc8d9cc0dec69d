import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { ApiClient } from '../support/api-client';
import { startTestApp, tempDir, type TestApp } from '../support/test-app';
import { LoopbackPhone } from './config/loopback-phone';

/**
 * What the opt-in suites against a real Asterisk share (appliance/asterisk/README.md, "Running the
 * opt-in suite"): the variables, ARI reads, polling, cel_custom's file, and a lab of a Carillon
 * connected to that Asterisk with registered loopback phones, an operator trunk and a DID.
 */
const [sipHost, sipPort] = (process.env.CARILLON_TEST_SIP ?? '127.0.0.1:5060').split(':');
export const realAsterisk = {
  url: process.env.CARILLON_TEST_ARI_URL,
  username: process.env.CARILLON_TEST_ARI_USER,
  password: process.env.CARILLON_TEST_ARI_PASSWORD,
  configDir: process.env.CARILLON_TEST_ASTERISK_CONFIG_DIR,
  cdrFile: process.env.CARILLON_TEST_ASTERISK_CDR,
  celFile: process.env.CARILLON_TEST_ASTERISK_CEL,
  spoolDir: process.env.CARILLON_TEST_ASTERISK_SPOOL,
  wss: process.env.CARILLON_TEST_ASTERISK_WSS,
  sip: { host: sipHost!, port: Number(sipPort) },
  /** The operator trunk's far end: Asterisk identifies a trunk by address, phones on 127.0.0.1 by SIP user. */
  operatorHost: '127.0.0.2',
};

export const log = (what: string) => process.env.CARILLON_TEST_DEBUG && process.stdout.write(`    ${new Date().toISOString()} ${what}\n`);
export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Asterisk's clock has a one-second resolution in CEL/CDR: a call starts no earlier than the second it was made in. */
export const secondOf = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);

export function skipUnless(ctx: Mocha.Context, value: string | undefined, variable: string): void {
  if (value) return;
  process.stdout.write(`  skipped: set ${variable} to run it\n`);
  ctx.skip();
}

export async function ari(method: string, resource: string): Promise<{ status: number; body: any }> {
  const { url, username, password } = realAsterisk;
  const res = await fetch(`${url!.replace(/\/$/, '')}/ari${resource}`, { method, headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function poll<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await pause(250);
  }
}

/** A CEL record as cel_custom's JSON format writes it (Asterisk 22.9: lower-case keys, epoch eventtime, eventextra a JSON string). */
export type CelLine = { eventtype: string; eventtime: string; linkedid: string; uniqueid: string; channame: string; eventextra: string };

/** CEL records of the given calls (linkedids), in file order. */
export function readCel(linkedids: string[]): CelLine[] {
  return fs
    .readFileSync(realAsterisk.celFile!, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CelLine)
    .filter((r) => linkedids.includes(r.linkedid));
}

export interface Lab {
  t: TestApp;
  admin: ApiClient;
  extensions: Array<{ id: number; number: string; sipUsername: string }>;
  /** One registered phone per extension, in the order of `numbers`. */
  phones: LoopbackPhone[];
  /** Answers every call sent to the operator trunk. */
  operator: LoopbackPhone;
  trunkId: number;
  /** API paths to delete at the end, in this order (what refers to something goes first). */
  cleanup: string[];
  phoneOf(number: string): LoopbackPhone;
}

export interface LabOptions {
  /** Names the data folder and the trunk, so that suites run one after the other do not collide. */
  name: string;
  numbers: string[];
  webrtc?: string[];
  /** A DID routed to the first extension. */
  did: string;
  inboundRecording?: 'always';
  spoolDir?: string;
}

/**
 * The suite's `before`: skips it without the base variables, else starts Carillon on that Asterisk,
 * points its transports at the sockets Asterisk already has, creates the extensions, registers a
 * phone for each, and adds an operator trunk and an inbound route to the first extension.
 */
export async function startLab(ctx: Mocha.Context, options: LabOptions, started: (lab: Lab) => void): Promise<void> {
  const { url, username, password, configDir, cdrFile, celFile, sip, operatorHost } = realAsterisk;
  if (!url || !username || !password || !configDir || !cdrFile) {
    process.stdout.write(
      `  real-asterisk ${options.name} scenarios skipped: set CARILLON_TEST_ARI_URL, CARILLON_TEST_ARI_USER, CARILLON_TEST_ARI_PASSWORD, CARILLON_TEST_ASTERISK_CONFIG_DIR and CARILLON_TEST_ASTERISK_CDR to run them\n`,
    );
    ctx.skip();
  }
  const dataDir = tempDir(`carillon-real-asterisk-${options.name.replace(/\W+/g, '-')}-`);
  const t = await startTestApp({
    dataDir,
    overrides: {
      log: { level: 'info' },
      provisioning: { tftp: { host: '127.0.0.1', port: 0 } },
      telephony: {
        configDir,
        cdrFile,
        ...(celFile ? { celFile } : {}),
        recordingsSpoolDir: options.spoolDir ?? path.join(dataDir, 'spool'),
        ari: { url, username, password, requestTimeoutMs: 5000 },
      },
    },
  });
  const admin = await t.adminClient();
  const lab: Lab = {
    t,
    admin,
    extensions: [],
    phones: [],
    operator: new LoopbackPhone('operator', 'unused', sip, { host: operatorHost }),
    trunkId: 0,
    cleanup: [],
    phoneOf: (number) => lab.phones[options.numbers.indexOf(number)]!,
  };
  started(lab);
  await poll('ARI connected', async () => t.app.cradle.telephony.connected);
  const settings = await admin.patch('/api/telephony/settings', { transports: { bindAddress: sip.host, udpPort: sip.port, tcpPort: sip.port } });
  expect(settings.status, settings.text).to.equal(200);
  for (const number of options.numbers) {
    const res = await admin.post('/api/telephony/extensions', { number, name: `Carillon test ${number}`, codecs: ['alaw', 'ulaw'], webrtc: !!options.webrtc?.includes(number) });
    expect(res.status, res.text).to.equal(201);
    lab.extensions.push(res.body);
  }
  for (const e of lab.extensions) await poll(`endpoint ${e.number} in Asterisk`, async () => (await ari('GET', `/endpoints/PJSIP/${e.sipUsername}`)).status === 200);
  for (const e of lab.extensions) {
    const secret = (await admin.post(`/api/telephony/extensions/${e.id}/sip-secret/reveal`, {})).body as { sipUsername: string; sipPassword: string };
    const phone = new LoopbackPhone(secret.sipUsername, secret.sipPassword, sip);
    await phone.start();
    lab.phones.push(phone);
    // Retried: ARI still lists an endpoint of an earlier run (offline) until Asterisk restarts, so
    // its presence does not prove that res_pjsip was reloaded with this run's password yet.
    await poll(`REGISTER ${e.number} answered 200`, async () => (await phone.register(300)) === 200, 10_000);
  }
  await lab.operator.start();
  const trunk = await admin.post('/api/telephony/trunks', {
    kind: 'operator',
    name: `Carillon test operator ${options.name}`,
    host: operatorHost,
    port: lab.operator.localPort,
    transport: 'udp',
    username: `carillon-test-${options.name.replace(/\W+/g, '-')}`,
    password: 'carillon-test-secret',
    register: false,
  });
  expect(trunk.status, trunk.text).to.equal(201);
  lab.trunkId = trunk.body.id;
  lab.cleanup.push(`/api/telephony/trunks/${trunk.body.id}`);
  const inbound = await admin.post('/api/telephony/inbound-routes', {
    did: options.did,
    destination: { type: 'extension', extensionId: lab.extensions[0]!.id },
    ...(options.inboundRecording ? { recording: options.inboundRecording } : {}),
  });
  expect(inbound.status, inbound.text).to.equal(201);
  lab.cleanup.unshift(`/api/telephony/inbound-routes/${inbound.body.id}`);
  await poll('the inbound route in the dialplan', async () => fs.readFileSync(path.join(configDir!, 'extensions-carillon.conf'), 'utf8').includes(`carillon-inbound-${inbound.body.id}]`));
  await poll('the trunk in the PJSIP configuration', async () => fs.readFileSync(path.join(configDir!, 'pjsip-trunks.conf'), 'utf8').includes(`match=${operatorHost}`));
  // The files are written before res_pjsip and pbx_config are reloaded through ARI.
  await pause(2000);
}

/** With CARILLON_TEST_DEBUG, a failed case shows what Carillon logged at warn and above (the suite's `afterEach`). */
export function showLogsOfFailure(ctx: Mocha.Context, lab: Lab | undefined): void {
  if (ctx.currentTest?.state !== 'failed' || !lab) return;
  for (const entry of lab.t.logs.filter((l) => Number(l.level) >= 40)) log(JSON.stringify(entry).slice(0, 1500));
}

/** The suite's `after`: removes what the lab created in Carillon (and so in Asterisk), unregisters the phones and stops. */
export async function stopLab(lab: Lab | undefined, otherPhones: LoopbackPhone[] = []): Promise<void> {
  if (!lab) return;
  for (const resource of lab.cleanup) await lab.admin.delete(resource);
  for (const phone of [...lab.phones, ...otherPhones]) {
    await phone.register(0).catch(() => 0);
    await phone.stop();
  }
  await lab.operator.stop();
  for (const e of lab.extensions) await lab.admin.delete(`/api/telephony/extensions/${e.id}`);
  await pause(1500);
  await lab.t.stop();
}
