import { expect } from 'chai';
import { Carillon } from '../../core/app';
import { loadConfig } from '../../core/config/load';
import { createLogger } from '../../core/logging/logger';
import { createTestDatabase, testDatabaseTarget, type TestDatabase } from '../support/database';
import { tempDir } from '../support/test-app';

const MIGRATION = '0009-call-log-number-digits';

/** Calls logged before the number search learned partial numbers get their searchable digits. */
for (const dialect of ['sqlite', 'mariadb'] as const) {
  describe(`Call log digits migration on ${dialect}`, function () {
    let database: TestDatabase;
    let app: Carillon;

    before(async function () {
      if (dialect === 'mariadb' && (await testDatabaseTarget()).dialect !== 'mariadb') return this.skip();
      const dataDir = tempDir();
      database = await createTestDatabase(dataDir, dialect);
      const config = loadConfig({ env: {}, overrides: { dataDir, database: { url: database.url }, plugins: { bundledDir: dataDir, dir: dataDir } } });
      app = Carillon.create(config, { logger: createLogger('silent') });
      await app.open({ migrate: false });
    });
    after(async () => {
      await app?.cradle.sequelize.close();
      await database?.drop();
    });

    it("fills in every existing call's digits with the system's country, in batches", async () => {
      const migrator = app.coreMigrator();
      await migrator.up();
      const executed = (await migrator.status()).executed;
      await migrator.down(executed.length - executed.indexOf(MIGRATION));
      const db = app.cradle.sequelize;
      await db.query("INSERT INTO settings (`key`, value, updated_at) VALUES ('system.settings', :value, :now)", { replacements: { value: JSON.stringify({ defaultRegion: 'BE' }), now: new Date() } });
      const numbers = [
        ['02 555 12 12', '201'],
        ['+33 6 32 84 12 34', '0032 2 555 12 13'],
        ['anonymous', '3919'],
      ];
      // More rows than one batch holds.
      const rows = Array.from({ length: 1203 }, (_, i) => numbers[i % numbers.length]);
      for (let i = 0; i < rows.length; i += 200) {
        const values = rows.slice(i, i + 200).map(([caller, destination], k) => `('m.${i + k}', :start, :start, '${caller}', '', '', '${destination}', '', 'inbound', 0, 0, 'answered', 'cdr', :start, :start)`);
        await db.query(`INSERT INTO call_log (call_key, start_at, end_at, caller_number, caller_name, caller_tail, destination, destination_tail, direction, duration_seconds, talk_seconds, status, status_origin, created_at, updated_at) VALUES ${values.join(',')}`, { replacements: { start: new Date('2026-11-02T08:00:00Z') } });
      }
      await migrator.up();
      const [filled] = (await db.query('SELECT caller_number, caller_digits, destination, destination_digits, COUNT(*) AS n FROM call_log GROUP BY caller_number, caller_digits, destination, destination_digits ORDER BY caller_number')) as [Array<Record<string, string | number>>, unknown];
      expect(filled.map((r) => ({ ...r, n: Number(r.n) }))).to.deep.equal([
        { caller_number: '+33 6 32 84 12 34', caller_digits: '33632841234', destination: '0032 2 555 12 13', destination_digits: '3225551213', n: 401 },
        { caller_number: '02 555 12 12', caller_digits: '3225551212', destination: '201', destination_digits: '201', n: 401 },
        { caller_number: 'anonymous', caller_digits: '', destination: '3919', destination_digits: '3919', n: 401 },
      ]);
    });
  });
}
