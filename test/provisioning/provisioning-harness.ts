import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as tftp from 'tftp';
import { create } from 'xmlbuilder2';
import type { CarillonConfigInput } from '../../core/config/schema';
import { deepMerge } from '../../core/config/load';
import type { ApiClient } from '../support/api-client';
import type { TestDatabase } from '../support/database';
import { startTestApp, tempDir, type TestApp } from '../support/test-app';

export const UA_GRP2614 = 'Grandstream Model HW GRP2614 SW 1.0.9.103 DevId c074ad000001';

export interface ProvisioningApp {
  t: TestApp;
  admin: ApiClient;
  tftpPort: number;
}

/** A real Carillon with TFTP on a free port (and, when given, an ARI simulator's URL). */
export async function startProvisioningApp(options: { overrides?: CarillonConfigInput; ariUrl?: string; bundledDir?: string; database?: TestDatabase; dataDir?: string } = {}): Promise<ProvisioningApp> {
  const dataDir = options.dataDir ?? tempDir('carillon-provisioning-');
  const base: CarillonConfigInput = {
    log: { level: 'debug' },
    provisioning: { tftp: { host: '127.0.0.1', port: 0 } },
    telephony: {
      recordingsSpoolDir: path.join(dataDir, 'spool'),
      cdrFile: path.join(dataDir, 'Master.csv'),
      ...(options.ariUrl ? { ari: { url: options.ariUrl, username: 'carillon', password: 'carillon', requestTimeoutMs: 1000, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } } } : {}),
    },
  };
  const t = await startTestApp({ dataDir, bundledDir: options.bundledDir, database: options.database, overrides: deepMerge(base, options.overrides ?? {}) });
  const admin = await t.adminClient();
  return { t, admin, tftpPort: t.app.cradle.provisioningTftp.port ?? 0 };
}

export async function createExtension(admin: ApiClient, number: string, name = `Poste ${number}`): Promise<{ id: number; number: string; sipUsername: string }> {
  const res = await admin.post('/api/telephony/extensions', { number, name });
  if (res.status !== 201) throw new Error(`extension creation failed: ${res.status} ${res.text}`);
  return res.body;
}

export async function sipPassword(admin: ApiClient, extensionId: number): Promise<string> {
  const res = await admin.post(`/api/telephony/extensions/${extensionId}/sip-secret/reveal`);
  if (res.status !== 200) throw new Error(`reveal failed: ${res.status} ${res.text}`);
  return res.body.sipPassword as string;
}

/** GET as a phone does, with its User-Agent (and an Authorization header when given). */
export async function phoneGet(url: string, file: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(`${url}/provisioning/${file}`, { headers: { 'user-agent': UA_GRP2614, ...headers } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** The site's secret path (`s/<key>`, relative to /provisioning/), as an admin reads it. */
export async function secretPath(admin: ApiClient): Promise<string> {
  const res = await admin.post('/api/provisioning/secret-path/reveal');
  if (res.status !== 200) throw new Error(`secret path reveal failed: ${res.status} ${res.text}`);
  return (res.body.path as string).replace(/^\/provisioning\//, '');
}

/** A phone's config-server credentials, as an admin reads them. */
export async function phoneCredentials(admin: ApiClient, deviceId: number): Promise<{ username: string; password: string }> {
  const res = await admin.post(`/api/provisioning/devices/${deviceId}/secrets/reveal`);
  if (res.status !== 200) throw new Error(`reveal failed: ${res.status} ${res.text}`);
  return { username: res.body.httpUsername, password: res.body.httpPassword };
}

/** GET as a phone that sends its credentials only when challenged: a plain request, then the Digest answer to the 401. */
export async function phoneGetChallenged(url: string, file: string, credentials: { username: string; password: string }, headers: Record<string, string> = {}) {
  const first = await phoneGet(url, file, headers);
  if (first.status !== 401) return { ...first, challenged: false };
  const challenge = first.headers.get('www-authenticate') ?? '';
  const answered = await phoneGet(url, file, { ...headers, authorization: digestAuthorization(challenge, credentials.username, credentials.password, `/provisioning/${file}`) });
  return { ...answered, challenged: true };
}

/** The same file over TFTP with the `tftp` package's client; resolves with the bytes and the negotiated block size. */
export function tftpGet(port: number, file: string, blockSize = 1468): Promise<{ body: Buffer; blockSize: number }> {
  const client = tftp.createClient({ host: '127.0.0.1', port, blockSize, retries: 2, timeout: 1000 });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let negotiated = 512;
    const stream = client.createGetStream(file);
    stream.on('stats', (stats: tftp.TftpStats) => (negotiated = stats.blockSize));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve({ body: Buffer.concat(chunks), blockSize: negotiated }));
  });
}

/** Settings of a Grandstream file by P-value or alias name (`P271`, `account.7.enable`), read through the parsed DOM. */
interface XmlNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: Iterable<XmlNode>;
  getAttribute(name: string): string | null;
}

export function grandstreamValues(xml: string | Buffer): Map<string, string> {
  const root = create(xml.toString()).root().node as unknown as XmlNode;
  const config = [...root.childNodes].find((n) => n.nodeName === 'config');
  if (!config) throw new Error('no <config> element');
  const values = new Map<string, string>();
  for (const node of [...config.childNodes]) {
    if (node.nodeType !== 1) continue;
    values.set(node.nodeName === 'item' ? node.getAttribute('name')! : node.nodeName, node.textContent ?? '');
  }
  return values;
}

/** An HTTP Digest answer (MD5, qop=auth) to a challenge, as a phone computes it. */
export function digestAuthorization(challenge: string, username: string, password: string, uri: string, method = 'GET'): string {
  const param = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(challenge)?.[1] ?? '';
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const realm = param('realm');
  const nonce = param('nonce');
  const cnonce = 'a1b2c3d4';
  const nc = '00000001';
  const response = md5(`${md5(`${username}:${realm}:${password}`)}:${nonce}:${nc}:${cnonce}:auth:${md5(`${method}:${uri}`)}`);
  return `Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"`;
}

export function logLines(t: TestApp, msg: string): Array<Record<string, unknown>> {
  return t.logs.filter((line) => line.msg === msg || (typeof line.msg === 'string' && line.msg.startsWith(msg)));
}

export function writeFirmware(t: TestApp, name: string, bytes: Buffer): void {
  const dir = path.join(t.dataDir, 'firmware');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), bytes);
}
