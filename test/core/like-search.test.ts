import { expect } from 'chai';
import type { ApiClient } from '../support/api-client';
import { createTestDatabase, testDatabaseTarget } from '../support/database';
import { startTestApp, tempDir, type TestApp } from '../support/test-app';
import { directoryOnlyBundledDir } from '../plugins/directory/directory-app';
import { strongPassword } from './auth-fixtures';

/** Searches match what was typed: `%`, `_`, `!` and `\` are characters, not wildcards, on both dialects. */
for (const dialect of ['sqlite', 'mariadb'] as const) {
  describe(`Searches treat LIKE wildcards as text (${dialect})`, function () {
    this.timeout(60_000);
    let t: TestApp;
    let admin: ApiClient;

    before(async function () {
      if (dialect === 'mariadb' && (await testDatabaseTarget()).dialect !== 'mariadb') this.skip();
      const dataDir = tempDir('carillon-like-');
      t = await startTestApp({ dataDir, database: await createTestDatabase(dataDir, dialect), bundledDir: directoryOnlyBundledDir(), overrides: { log: { level: 'warn' } } });
      admin = await t.adminClient();
    });
    after(() => t?.stop());

    const search = async (path: string, q: string, field: string) => {
      const res = await admin.get(`${path}${path.includes('?') ? '&' : '?'}search=${encodeURIComponent(q)}&limit=100`);
      expect(res.status, res.text).to.equal(200);
      return (res.body.items as Array<Record<string, string>>).map((i) => i[field]).sort();
    };

    it('users: by e-mail and display name', async () => {
      for (const [displayName, email] of [['Sure 100%', 'sure@example.test'], ['under_score', 'under@example.test'], ['Bang!', 'bang@example.test'], ['Back\\slash', 'back@example.test'], ['Plain', 'plain@example.test']]) {
        const res = await admin.post('/api/users', { email, displayName, password: strongPassword(), roles: ['agent'] });
        expect(res.status, res.text).to.equal(201);
      }
      expect(await search('/api/users', '%', 'displayName')).to.deep.equal(['Sure 100%']);
      expect(await search('/api/users', '_', 'displayName')).to.deep.equal(['under_score']);
      expect(await search('/api/users', '!', 'displayName')).to.deep.equal(['Bang!']);
      expect(await search('/api/users', '\\', 'displayName')).to.deep.equal(['Back\\slash']);
      expect(await search('/api/users', 'b_c', 'displayName')).to.deep.equal([]);
    });

    it('telephony resources: extensions by name', async () => {
      for (const [number, name] of [['201', 'Salle 100%'], ['202', 'poste_a'], ['203', 'posteXa']]) {
        const res = await admin.post('/api/telephony/extensions', { number, name });
        expect(res.status, res.text).to.equal(201);
      }
      expect(await search('/api/telephony/extensions', '%', 'name')).to.deep.equal(['Salle 100%']);
      expect(await search('/api/telephony/extensions', 'e_a', 'name')).to.deep.equal(['poste_a']);
    });

    it('audit: an action prefix is a prefix, not a pattern', async () => {
      const page = async (action: string) => (await admin.get(`/api/audit?action=${encodeURIComponent(action)}&limit=100`)).body.items as Array<{ action: string }>;
      expect((await page('users.create')).length).to.be.greaterThan(0);
      expect(await page('users_create')).to.deep.equal([]);
      expect(await page('%')).to.deep.equal([]);
    });

    it('directory: a query with only wildcards matches no contact (its index holds words)', async () => {
      const created = await admin.post('/api/plugins/directory/contacts', { firstName: 'Ada', lastName: '100%_Lovelace' });
      expect(created.status, created.text).to.equal(201);
      const q = async (text: string) => (await admin.get(`/api/plugins/directory/contacts?q=${encodeURIComponent(text)}`)).body.items as unknown[];
      expect(await q('lovelace')).to.have.length(1);
      expect(await q('%')).to.deep.equal([]);
      expect(await q('_')).to.deep.equal([]);
    });
  });
}
