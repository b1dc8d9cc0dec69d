import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../core/config/load';
import type { CarillonConfig } from '../core/config/schema';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { tempDir } from '../test/support/test-app';

/**
 * Not a bench itself, so it has no aim of its own: the benches that use it (http, provisioning)
 * each state their aim and print their figure beside it.
 *
 * A Carillon for a benchmark: its own data folder and database (MariaDB when reachable, else
 * SQLite), HTTP on an ephemeral loopback port, no plugins, no TFTP, logging at info as in production.
 */
export async function benchConfig(name: string): Promise<{ dataDir: string; database: TestDatabase; config: CarillonConfig }> {
  const dataDir = tempDir(`carillon-bench-${name}-`);
  const database = await createTestDatabase(dataDir);
  const none = path.join(dataDir, 'none');
  fs.mkdirSync(none, { recursive: true });
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      http: { host: '127.0.0.1', port: 0 },
      database: { url: database.url },
      plugins: { dir: none, bundledDir: none },
      provisioning: { tftp: { enabled: false } },
      log: { level: 'info' },
    },
  });
  return { dataDir, database, config };
}
