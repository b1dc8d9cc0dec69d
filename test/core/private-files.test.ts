import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { TestDatabase } from '../support/database';
import { startTestApp, tempDir } from '../support/test-app';

const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

/** The SQLite file holds password hashes and sealed secrets: owner-only, whatever the umask. */
describe('Files holding secrets are owner-only', function () {
  this.timeout(30_000);
  const previousUmask = process.umask(0o022);
  after(() => process.umask(previousUmask));

  it('creates the SQLite file (and its -wal, -shm), the secret key and the folder Carillon makes owner-only, and tightens them at start', async () => {
    const dataDir = tempDir('carillon-modes-');
    const databaseDir = path.join(dataDir, 'created-by-carillon');
    const sqlite = path.join(databaseDir, 'carillon.sqlite');
    const database: TestDatabase = { url: `sqlite:${sqlite}`, dialect: 'sqlite', drop: async () => {} };
    const first = await startTestApp({ dataDir, database });
    const key = first.app.config.resolved.secretKeyFile;
    first.app.cradle.secretBox.encrypt('touch the key');
    await (await first.adminClient()).get('/api/users');
    expect(mode(databaseDir)).to.equal('700');
    for (const file of [sqlite, `${sqlite}-wal`, `${sqlite}-shm`, key]) expect(mode(file), file).to.equal('600');
    await first.stop({ keepDatabase: true });

    // Files from before this rule (or copied in with a looser mode) are fixed at the next start.
    for (const file of [sqlite, `${sqlite}-wal`, `${sqlite}-shm`, key]) if (fs.existsSync(file)) fs.chmodSync(file, 0o644);
    const second = await startTestApp({ dataDir, database });
    second.app.cradle.secretBox.encrypt('touch the key');
    for (const file of [sqlite, key]) expect(mode(file), file).to.equal('600');
    for (const file of [`${sqlite}-wal`, `${sqlite}-shm`]) if (fs.existsSync(file)) expect(mode(file), file).to.equal('600');
    await second.stop();
  });
});
