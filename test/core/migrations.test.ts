import { expect } from 'chai';
import { Carillon } from '../../core/app';
import { loadConfig } from '../../core/config/load';
import { createLogger } from '../../core/logging/logger';
import { createTestDatabase, tableNames, testDatabaseTarget, type TestDatabase } from '../support/database';
import { tempDir } from '../support/test-app';

const CORE_TABLES = ['users', 'roles', 'role_inherits', 'permissions', 'role_permissions', 'user_roles', 'sessions', 'api_tokens', 'audit_log', 'plugin_states', 'settings'];

for (const dialect of ['sqlite', 'mariadb'] as const) {
  describe(`Core migrations on ${dialect}: up, down, up again`, function () {
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

    const tables = () => tableNames(app.cradle.sequelize);

    it('applies every core migration', async () => {
      const applied = await app.coreMigrator().up();
      expect(applied).to.include('0001-users-roles-sessions');
      expect(await tables()).to.include.members(CORE_TABLES);
      const status = await app.coreMigrator().status();
      expect(status.pending).to.deep.equal([]);
      const [roles] = await app.cradle.sequelize.query('SELECT name FROM roles ORDER BY name');
      expect((roles as Array<{ name: string }>).map((r) => r.name)).to.deep.equal(['accountant', 'admin', 'agent', 'manager', 'supervisor', 'technician']);
    });

    it('reverts them all', async () => {
      const status = await app.coreMigrator().status();
      await app.coreMigrator().down(status.executed.length);
      const left = await tables();
      for (const table of CORE_TABLES) expect(left).not.to.include(table);
      expect((await app.coreMigrator().status()).executed).to.deep.equal([]);
    });

    it('applies them again on the emptied database', async () => {
      await app.coreMigrator().up();
      expect(await tables()).to.include.members(CORE_TABLES);
    });
  });
}
