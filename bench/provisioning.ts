/**
 * Provisioning benchmark: the morning after a power cut. 1,000 assigned phones (distinct MACs,
 * one extension each, each having claimed its configuration) all ask for their configuration at
 * once over HTTP on the site's secret path, as a phone does since issue 12: a plain GET, the 401
 * Digest challenge, then the GET with its credentials, each on a fresh connection as separate
 * phones do. The baseline, in the same process and the same run, is a static file of the same
 * size served from the firmware folder by the same HTTP stack (same checks: network, ban), one
 * GET each. Prints phone fetches (or files) per second and p99 latency of both, and the ratios.
 *
 * Aim (P2 of the issue that built provisioning, issue 12): a phone's whole fetch of its generated
 * file at least 0.8 of the static file's throughput. The p99 ratio is printed beside it.
 *
 *   npx tsx bench/provisioning.ts [phones] [rounds]   (MariaDB at 127.0.0.1:3306 when reachable, else SQLite)
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import inspector from 'node:inspector';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { Carillon } from '../core/app';
import { createLogger } from '../core/logging/logger';
import { Extension, RestrictionClass } from '../core/telephony/resources/models';
import { benchConfig } from './bench-config';

const PHONES = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 5);
const UA = 'Grandstream Model HW GRP2614 SW 1.0.9.103';

const macOf = (i: number) => `c074ad${(0x100000 + i).toString(16).slice(-6)}`;

let retries = 0;

/**
 * One GET on its own connection (no keep-alive: every phone is a separate client); resolves with
 * ms and status. A connection refused or reset (the listen backlog overflowing during the burst)
 * is retried after 200 ms as a phone does, and counted; the latency includes the wait.
 */
async function get(port: number, file: string, credentials?: Credentials): Promise<{ ms: number; status: number; bytes: number }> {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = credentials ? await challenged(port, file, credentials) : await once(port, file);
      return { ...answer, ms: performance.now() - started };
    } catch (err) {
      if (attempt >= 10) throw err;
      retries++;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

interface Credentials {
  username: string;
  password: string;
}

function once(port: number, file: string, authorization?: string): Promise<{ status: number; bytes: number; challenge: string }> {
  return new Promise((resolve, reject) => {
    const headers = { 'user-agent': UA, connection: 'close', ...(authorization ? { authorization } : {}) };
    const req = http.get({ host: '127.0.0.1', port, path: `/provisioning/${file}`, agent: false, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, challenge: String(res.headers['www-authenticate'] ?? '') }));
    });
    req.on('error', reject);
  });
}

/** A phone that sends its credentials when challenged (RFC 7616 Digest, MD5, qop=auth). */
async function challenged(port: number, file: string, credentials: Credentials): Promise<{ status: number; bytes: number }> {
  const first = await once(port, file);
  if (first.status !== 401) return first;
  const param = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(first.challenge)?.[1] ?? '';
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  const uri = `/provisioning/${file}`;
  const [realm, nonce, cnonce, nc] = [param('realm'), param('nonce'), 'b3nchc0de', '00000001'];
  const response = md5(`${md5(`${credentials.username}:${realm}:${credentials.password}`)}:${nonce}:${nc}:${cnonce}:auth:${md5(`GET:${uri}`)}`);
  return once(port, file, `Digest username="${credentials.username}", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"`);
}

/** With CARILLON_BENCH_PROFILE=<dir>: a CPU profile of one measured burst (the server and this client share the process). */
async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
  const dir = process.env.CARILLON_BENCH_PROFILE;
  if (!dir) return run();
  const session = new inspector.Session();
  session.connect();
  const post = (method: string) => new Promise<unknown>((resolve, reject) => session.post(method, (err, result) => (err ? reject(err) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `provisioning-${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  bytes: number;
}

/** `ROUNDS` bursts of one request per file, all at once; throughput over the whole burst, latency per request. */
async function burst(port: number, files: string[], credentials?: Credentials[]): Promise<Figures> {
  const latencies: number[] = [];
  let seconds = 0;
  let bytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const results = await Promise.all(files.map((f, i) => get(port, f, credentials?.[i])));
    seconds += (performance.now() - started) / 1000;
    for (const r of results) {
      if (r.status !== 200) throw new Error(`answer ${r.status} during the benchmark`);
      latencies.push(r.ms);
      bytes = r.bytes;
    }
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { rps: (files.length * ROUNDS) / seconds, p50: at(0.5), p99: at(0.99), bytes };
}

async function main(): Promise<void> {
  const { dataDir, database, config } = await benchConfig('provisioning');
  // Logged as in production (info), to a sink: the log's cost is part of serving a file.
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      // Errors still show: a benchmark that hides its failures measures nothing.
      for (const line of chunk.toString('utf8').split('\n')) if (/"level":"(error|fatal)"/.test(line)) process.stderr.write(`${line}\n`);
      done();
    },
  });
  const app = Carillon.create(config, { logger: createLogger('info', sink), announce: () => undefined });
  const url = await app.start();
  const port = Number(new URL(url).port);
  try {
    process.stdout.write(`Database: ${database.dialect}; ${PHONES} phones, ${ROUNDS} rounds of ${PHONES} simultaneous requests each\n`);
    const c = app.cradle;
    const restriction = await RestrictionClass.findOne({ where: { name: 'national' } });
    const extensions = await Extension.bulkCreate(
      Array.from({ length: PHONES }, (_, i) => ({
        number: String(10000 + i),
        name: `Poste ${10000 + i}`,
        userId: null,
        sipUsername: String(10000 + i),
        sipPasswordSealed: c.secretBox.encrypt(`secret${i}`.padEnd(32, 'x')),
        codecs: ['alaw', 'ulaw'],
        maxContacts: 3,
        webrtc: false,
        voicemailEnabled: false,
        voicemailEmail: null,
        recording: 'never' as const,
        restrictionClassId: restriction!.id,
        outboundCallerId: null,
        doNotDisturb: false,
        forwardUnconditional: null,
        forwardBusy: null,
        forwardNoAnswer: null,
        forwardNoAnswerSeconds: 20,
      })),
    );
    const ids: number[] = [];
    for (let i = 0; i < PHONES; i++) {
      const device = await c.provisioningDevices.create({
        mac: macOf(i),
        model: 'GRP2614',
        extensionIds: [extensions[i]!.id],
        timeZone: 'Europe/Paris',
        keys: [
          { where: 'phone', module: null, index: 1, type: 'line', value: '', label: '', account: 1 },
          { where: 'phone', module: null, index: 2, type: 'blf', value: String(10000 + ((i + 1) % PHONES)), label: 'Voisin', account: 1 },
        ],
      });
      ids.push(device.id);
    }
    // Each phone claims its configuration with its first fetch on the secret path (its first boot).
    const site = `s/${(await c.provisioningSecretPath.reveal()).key}`;
    const configs = Array.from({ length: PHONES }, (_, i) => `${site}/cfg${macOf(i)}.xml`);
    for (let i = 0; i < PHONES; i += 50) {
      for (const claim of await Promise.all(configs.slice(i, i + 50).map((f) => get(port, f)))) if (claim.status !== 200) throw new Error(`claim answered ${claim.status}`);
    }
    const credentials: Credentials[] = [];
    for (const id of ids) {
      const secrets = await c.provisioningDevices.revealSecrets(id);
      credentials.push({ username: secrets.httpUsername, password: secrets.httpPassword });
    }
    const sample = await get(port, configs[0]!, credentials[0]);
    if (sample.status !== 200) throw new Error(`a claimed phone's fetch answered ${sample.status}`);
    // The same size, from the same process, through the same stack: a static file.
    const firmwareDir = path.join(dataDir, 'firmware');
    fs.mkdirSync(firmwareDir, { recursive: true });
    fs.writeFileSync(path.join(firmwareDir, 'static.xml'), Buffer.alloc(sample.bytes, 0x41));
    const statics = configs.map(() => 'firmware/static.xml');

    // Warm-up (JIT, pools), not counted: every phone fetches once, as each did before the power cut
    // (its first authenticated fetch is recorded once, not at every boot).
    for (let i = 0; i < PHONES; i += 100) await Promise.all(configs.slice(i, i + 100).map((f, j) => get(port, f, credentials[i + j])));
    await Promise.all(statics.slice(0, 100).map((f) => get(port, f)));

    const generated = await profiled('generated', () => burst(port, configs, credentials));
    const baseline = await burst(port, statics);
    const row = (name: string, f: Figures) => `${name.padEnd(34)} ${f.rps.toFixed(0).padStart(7)} /s   p50 ${f.p50.toFixed(1).padStart(7)} ms   p99 ${f.p99.toFixed(1).padStart(7)} ms   ${f.bytes} bytes`;
    process.stdout.write(`${row('phone fetches (401, then Digest cfg)', generated)}\n`);
    process.stdout.write(`${row('static files, same size (baseline)', baseline)}\n`);
    process.stdout.write(`connections retried after a reset (listen backlog full): ${retries}\n`);
    const throughput = generated.rps / baseline.rps;
    const p99 = generated.p99 / baseline.p99;
    process.stdout.write(`ratio generated/static: throughput ${throughput.toFixed(2)}x, p99 latency ${p99.toFixed(2)}x\n`);
    process.stdout.write(`Aim: throughput ≥ 0.8x the static file's — ${throughput.toFixed(2)}x, ${throughput >= 0.8 ? 'met' : 'NOT met'} (p99 ${p99.toFixed(2)}x)\n`);
  } finally {
    await app.stop();
    await database.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
