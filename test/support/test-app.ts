import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Carillon } from '../../core/app';
import { CarillonRunner } from '../../core/server-runner';
import { deepMerge, loadConfig } from '../../core/config/load';
import type { CarillonConfigInput } from '../../core/config/schema';
import { createLogger } from '../../core/logging/logger';
import { ApiClient } from './api-client';
import { createTestDatabase, type TestDatabase } from './database';

export const ADMIN = { email: 'admin@example.test', password: 'correct horse battery staple' };

export interface TestAppOptions {
  /** Folder of bundled plugins; default: an empty one, so core tests see no plugin. */
  bundledDir?: string;
  /** node_modules folder of third-party plugins; default: none. */
  pluginDir?: string;
  overrides?: CarillonConfigInput;
  /** Reuse a database (e.g. to restart on the same data). */
  database?: TestDatabase;
  dataDir?: string;
}

export interface TestApp {
  /** The running Carillon (a new one after a restart). */
  readonly app: Carillon;
  runner: CarillonRunner;
  url: string;
  dataDir: string;
  database: TestDatabase;
  /** Every log line, parsed. */
  logs: Array<Record<string, unknown>>;
  /** What the app showed a person (setup link…). */
  announced: string[];
  client(): ApiClient;
  setupToken(): string | null;
  /** Creates the first administrator through the setup link and returns a logged-in client. */
  adminClient(): Promise<ApiClient>;
  /** Stops the app; drops its database unless `keepDatabase`. */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
}

export function tempDir(prefix = 'carillon-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts a real Carillon on a free loopback port with its own database and data folder. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? tempDir();
  const database = options.database ?? (await createTestDatabase(dataDir));
  const emptyDir = path.join(dataDir, 'no-plugins');
  fs.mkdirSync(emptyDir, { recursive: true });
  const defaults: CarillonConfigInput = {
    dataDir,
    http: { host: '127.0.0.1', port: 0, shutdownGraceMs: 2000 },
    database: { url: database.url },
    plugins: { dir: options.pluginDir ?? emptyDir, bundledDir: options.bundledDir ?? emptyDir },
    auth: { lockout: { delayMs: 5 } },
    log: { level: 'debug' },
  };
  const config = loadConfig({ env: {}, overrides: deepMerge(defaults, options.overrides ?? {}) });
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const announced: string[] = [];
  // Through the runner, as `carillon start` does: a restore from the web UI restarts Carillon on the same port.
  const runner = new CarillonRunner(
    (port) => Carillon.create(port === null ? config : { ...config, http: { ...config.http, port } }, { logger: createLogger('debug', sink), announce: (text) => announced.push(text) }),
    (err) => logs.push({ level: 60, msg: 'restart failed', err: String(err) }),
  );
  const url = await runner.start();
  const setupToken = () => {
    const match = /setup\?token=([A-Za-z0-9_-]+)/.exec(announced.join(''));
    return match ? match[1] : null;
  };
  return {
    get app() {
      return runner.app;
    },
    runner,
    url,
    dataDir,
    database,
    logs,
    announced,
    client: () => new ApiClient(url),
    setupToken,
    async adminClient() {
      const client = new ApiClient(url);
      const token = setupToken();
      if (token) {
        const res = await client.post('/api/setup', { token, email: ADMIN.email, displayName: 'Admin', password: ADMIN.password });
        if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${res.text}`);
      }
      const login = await client.login(ADMIN.email, ADMIN.password);
      if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
      return client;
    },
    async stop(stopOptions = {}) {
      await runner.stop();
      if (!stopOptions.keepDatabase) await database.drop();
    },
  };
}
