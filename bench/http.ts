/**
 * HTTP hot-path benchmark: what Carillon's request path (request id, access log, security
 * headers, body parser, UI fallback, router, authentication, permission check) costs over a bare
 * Koa route, in one process and one run. A keep-alive client loop over loopback with a bounded
 * number of requests in flight measures, in turn:
 *
 *   - bare Koa: a new Koa app with one JSON route (the baseline);
 *   - `GET /api/health` (public; database, telephony and plugins);
 *   - `GET /api/system/plugins` with a session cookie (permission `plugins.read`; an in-memory
 *     handler, so what is measured is the path, not the handler);
 *   - the same with a Bearer API token.
 *
 * Aim (issue 12): health at least 0.8 of bare Koa, the authenticated routes at least 0.5.
 *
 *   npx tsx bench/http.ts [seconds per route] [concurrency]   (MariaDB at 127.0.0.1:3306 when reachable, else SQLite)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import Koa from 'koa';
import pino from 'pino';
import { Carillon } from '../core/app';
import { createLogger } from '../core/logging/logger';
import { ApiClient } from '../test/support/api-client';
import { ADMIN } from '../test/support/test-app';
import { benchConfig } from './bench-config';

const SECONDS = Number(process.argv[2] ?? 4);
const CONCURRENCY = Number(process.argv[3] ?? 16);
/** Bounds each run by count as well as by time, so a very fast path cannot run away. */
const MAX_REQUESTS = 500_000;
/** Each target's time is cut into this many slices, interleaved with the others'. */
const ROUNDS = 8;

interface Target {
  name: string;
  port: number;
  path: string;
  headers: Record<string, string>;
  /** Least share of the bare Koa rate this target must reach; none for the baseline. */
  aim?: number;
}

interface Figures {
  rps: number;
  /** CPU time of this process per request (client and server): steadier than req/s on a busy machine. */
  cpuUs: number;
  p50: number;
  p99: number;
}

interface Tally {
  requests: number;
  seconds: number;
  cpuUs: number;
  latencies: number[];
}

/** `CONCURRENCY` loops of sequential keep-alive GETs for `seconds`; every answer must be 200. */
async function run(target: Target, seconds: number, tally: Tally): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const deadline = performance.now() + seconds * 1000;
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = http.get({ host: '127.0.0.1', port: target.port, path: target.path, agent, headers: target.headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`${target.name}: answer ${res.statusCode}`))));
      });
      req.on('error', reject);
    });
  const loop = async () => {
    while (performance.now() < deadline && tally.requests < MAX_REQUESTS) {
      tally.requests++;
      tally.latencies.push(await one());
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  const used = process.cpuUsage(cpu);
  tally.cpuUs += used.user + used.system;
  tally.seconds += (performance.now() - started) / 1000;
  agent.destroy();
}

/**
 * Every target in turn, in short slices, round after round: a machine whose load changes during
 * the run (other work on its cores) then weighs on the baseline and the routes alike.
 */
async function measure(targets: Target[], seconds: number): Promise<Map<Target, Figures>> {
  const tallies = new Map(targets.map((t) => [t, { requests: 0, seconds: 0, cpuUs: 0, latencies: [] } as Tally]));
  for (let round = 0; round < ROUNDS; round++) for (const target of targets) await run(target, seconds / ROUNDS, tallies.get(target)!);
  return new Map(
    targets.map((target) => {
      const { requests, seconds: elapsed, cpuUs, latencies } = tallies.get(target)!;
      latencies.sort((a, b) => a - b);
      const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
      return [target, { rps: requests / elapsed, cpuUs: cpuUs / requests, p50: at(0.5), p99: at(0.99) }];
    }),
  );
}

function bareKoa(): Promise<http.Server> {
  const koa = new Koa();
  koa.use((ctx) => {
    if (ctx.path === '/bare') ctx.body = { status: 'ok' };
  });
  const server = http.createServer(koa.callback());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main(): Promise<void> {
  const { database, config } = await benchConfig('http');
  // Logged as in production: level info, each line written to a file descriptor at once (pino's
  // default for stdout), here /dev/null. Error lines are also shown: a benchmark that hides its
  // failures measures nothing. (A JavaScript stream that parsed every line would cost more than
  // the request it logs.)
  const devNull = pino.destination({ dest: '/dev/null', sync: true });
  const sink = {
    write(line: string) {
      devNull.write(line);
      if (line.includes('"level":"error"') || line.includes('"level":"fatal"')) process.stderr.write(line);
    },
  };
  let announced = '';
  const app = Carillon.create(config, { logger: createLogger('info', sink), announce: (text) => (announced += text) });
  const url = await app.start();
  const port = Number(new URL(url).port);
  const bare = await bareKoa();
  try {
    const client = new ApiClient(url);
    const setupToken = /setup\?token=([A-Za-z0-9_-]+)/.exec(announced)?.[1];
    const setup = await client.post('/api/setup', { token: setupToken, email: ADMIN.email, displayName: 'Admin', password: ADMIN.password });
    if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${setup.text}`);
    const login = await client.login(ADMIN.email, ADMIN.password);
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
    const created = await client.post('/api/auth/tokens', { name: 'bench', permissions: ['plugins.read'] });
    if (created.status !== 201) throw new Error(`token creation failed: ${created.status} ${created.text}`);

    const targets: Target[] = [
      { name: 'bare Koa (baseline)', port: (bare.address() as AddressInfo).port, path: '/bare', headers: {} },
      { name: 'GET /api/health', port, path: '/api/health', headers: {}, aim: 0.8 },
      { name: 'GET /api/system/plugins, session', port, path: '/api/system/plugins', headers: { cookie: client.cookie! }, aim: 0.5 },
      { name: 'GET /api/system/plugins, Bearer', port, path: '/api/system/plugins', headers: { authorization: `Bearer ${created.body.token as string}` }, aim: 0.5 },
    ];
    const { dialect } = database;
    process.stdout.write(`Database: ${dialect}; ${CONCURRENCY} requests in flight, ${SECONDS} s per route in ${ROUNDS} interleaved slices, keep-alive over loopback\n`);
    // Warm-up (JIT, pools, caches), not counted.
    await measure(targets, 1);
    const results = await measure(targets, SECONDS);

    const baseline = results.get(targets[0]!)!;
    let allMet = true;
    for (const target of targets) {
      const f = results.get(target)!;
      const ratio = f.rps / baseline.rps;
      const verdict = target.aim === undefined ? '' : ratio >= target.aim ? `aim ≥ ${target.aim}: met` : `aim ≥ ${target.aim}: NOT met`;
      if (target.aim !== undefined && ratio < target.aim) allMet = false;
      process.stdout.write(
        `${target.name.padEnd(36)} ${f.rps.toFixed(0).padStart(7)} req/s   p50 ${f.p50.toFixed(2).padStart(6)} ms   p99 ${f.p99.toFixed(2).padStart(6)} ms   ${f.cpuUs.toFixed(0).padStart(4)} µs CPU/req   ${ratio.toFixed(2)}x   ${verdict}\n`,
      );
    }
    process.stdout.write(allMet ? 'Every aim is met.\n' : 'Some aims are NOT met.\n');
  } finally {
    bare.close();
    await app.stop();
    await database.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
