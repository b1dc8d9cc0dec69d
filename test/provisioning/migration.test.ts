import { expect } from 'chai';
import { DataTypes } from 'sequelize';
import { Carillon } from '../../core/app';
import { loadConfig } from '../../core/config/load';
import { createLogger } from '../../core/logging/logger';
import * as claims from '../../migrations/0007-provisioning-claims-and-bans';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { tempDir } from '../support/test-app';

/**
 * Upgrading a site whose phones were provisioned the old way: an assigned phone that fetched its
 * file holds its credentials (whether it ever showed them or only answers challenges): it is
 * claimed and keeps working; an assigned phone that never fetched gets no claim window.
 */
describe('Provisioning migration 0007 on existing phones', () => {
  let database: TestDatabase;
  let app: Carillon;

  before(async () => {
    const dataDir = tempDir();
    database = await createTestDatabase(dataDir);
    const config = loadConfig({ env: {}, overrides: { dataDir, database: { url: database.url }, plugins: { bundledDir: dataDir, dir: dataDir } } });
    app = Carillon.create(config, { logger: createLogger('silent') });
    await app.open({ migrate: true });
  });
  after(async () => {
    await app?.cradle.sequelize.close();
    await database?.drop();
  });

  it('counts assigned phones that fetched their file as claimed, and opens no window for the others', async () => {
    const sequelize = app.cradle.sequelize;
    const context = () => ({ queryInterface: sequelize.getQueryInterface(), sequelize, DataTypes, tablePrefix: '' });
    await sequelize.transaction((transaction) => claims.down({ context: { ...context(), transaction } }));
    const confirmedAt = new Date('2026-11-02T08:00:00Z');
    const now = new Date();
    const fetchedAt = new Date('2026-11-03T09:00:00Z');
    const row = (id: number, status: string, confirmed: boolean, fetched: boolean) =>
      `(${id}, 'c074ad00000${id}', 'grandstream', '${status}', '', '[]', '{}', 'sealed', 'phone-${id}', 'sealed', ${confirmed ? ':confirmed' : 'NULL'}, ${fetched ? ':fetched' : 'NULL'}, ${fetched ? `'192.0.2.${id}'` : 'NULL'}, :now, :now)`;
    await sequelize.query(
      `INSERT INTO provisioning_devices (id, mac, vendor, status, label, programmable_keys, extra_values, admin_password_sealed, http_username, http_password_sealed, credentials_confirmed_at, last_fetch_at, last_ip, created_at, updated_at)
       VALUES ${[row(1, 'assigned', true, true), row(2, 'assigned', false, true), row(3, 'assigned', false, false), row(4, 'unassigned', false, true)].join(', ')}`,
      { replacements: { confirmed: confirmedAt, fetched: fetchedAt, now } },
    );
    await sequelize.transaction((transaction) => claims.up({ context: { ...context(), transaction } }));
    const [rows] = await sequelize.query('SELECT id, claimed_at, claimed_from_ip, claim_window_until FROM provisioning_devices ORDER BY id');
    const byId = (rows as Array<{ id: number; claimed_at: Date | string | null; claimed_from_ip: string | null; claim_window_until: unknown }>).map((r) => ({
      id: r.id,
      claimedAt: r.claimed_at === null ? null : new Date(r.claimed_at).toISOString(),
      claimedFromIp: r.claimed_from_ip,
      window: r.claim_window_until,
    }));
    expect(byId).to.deep.equal([
      { id: 1, claimedAt: confirmedAt.toISOString(), claimedFromIp: '192.0.2.1', window: null },
      // Fetched without ever showing its credentials (it answers challenges only): it holds them.
      { id: 2, claimedAt: fetchedAt.toISOString(), claimedFromIp: '192.0.2.2', window: null },
      { id: 3, claimedAt: null, claimedFromIp: null, window: null },
      { id: 4, claimedAt: null, claimedFromIp: null, window: null },
    ]);
  });
});
