import { expect } from 'chai';
import { Attribute, Change } from 'ldapts';
import type { TestApp } from '../../support/test-app';
import type { ApiClient } from '../../support/api-client';
import { isSyncDue, DEFAULT_LDAP, type LdapStatus } from '../../../plugins/directory/services/ldap-settings';
import { allContacts, importCsv, startDirectoryApp } from './directory-app';
import { ROOT_DN, ROOT_PASSWORD, SUFFIX, slapdInstalled, startSlapd, type RunningSlapd } from './slapd';

const BASE = '/api/plugins/directory';
const PEOPLE = `ou=people,${SUFFIX}`;

function person(uid: string, given: string, sn: string, extra: Record<string, string | string[]> = {}) {
  return { objectClass: ['inetOrgPerson'], uid, cn: `${given} ${sn}`, givenName: given, sn, ...extra };
}

describe('Directory plugin: LDAP / Active Directory sync against OpenLDAP', function () {
  this.timeout(30_000);
  let slapd: RunningSlapd;
  let t: TestApp;
  let admin: ApiClient;

  before(async function () {
    if (!slapdInstalled()) {
      // eslint-disable-next-line no-console
      console.log('    (skipped: Debian slapd is not installed; apt-get install slapd to run the LDAP tests)');
      this.skip();
    }
    slapd = await startSlapd();
    const ldap = await slapd.admin();
    await ldap.add(`uid=alice,${PEOPLE}`, person('alice', 'Alice', 'Archer', { telephoneNumber: '+33 1 40 00 00 01', mobile: '06 40 00 00 01', mail: 'alice@example.test', o: 'Example', title: 'CEO' }));
    await ldap.add(`uid=bob,${PEOPLE}`, person('bob', 'Bob', 'Baker', { telephoneNumber: '01 40 00 00 02' }));
    await ldap.add(`uid=carol,${PEOPLE}`, person('carol', 'Carol', 'Cook', { telephoneNumber: 'not a number', mobile: '06 40 00 00 03' }));
    await ldap.unbind();
    t = await startDirectoryApp();
    admin = await t.adminClient();
  });
  after(async () => {
    await t?.stop();
    await slapd?.stop();
  });

  async function ldapContacts() {
    return (await allContacts(admin)).filter((c) => c.source === 'ldap');
  }

  it('stores the bind password encrypted and never returns it', async () => {
    const res = await admin.patch(`${BASE}/ldap`, {
      enabled: true, url: slapd.url, bindDn: ROOT_DN, password: ROOT_PASSWORD, baseDn: PEOPLE, filter: '(objectClass=inetOrgPerson)',
      mapping: { id: 'uid' }, intervalMinutes: 60,
    });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ passwordSet: true, url: slapd.url });
    expect(JSON.stringify(res.body)).not.to.include(ROOT_PASSWORD);
    const [rows] = await t.app.cradle.sequelize.query("SELECT value FROM settings WHERE `key` = 'directory.ldap'");
    const stored = (rows as Array<{ value: string }>)[0].value;
    expect(stored).not.to.include(ROOT_PASSWORD);
    expect(JSON.parse(stored).sealedPassword).to.match(/^v1\./);
    expect((await admin.get(`${BASE}/ldap`)).body.settings).not.to.have.property('sealedPassword');
  });

  it('tests the connection, and reports a wrong password with a code', async () => {
    const ok = await admin.post(`${BASE}/ldap/test`);
    expect(ok.status, ok.text).to.equal(200);
    expect(ok.body.ok).to.equal(true);
    await admin.patch(`${BASE}/ldap`, { password: 'wrong' });
    const refused = await admin.post(`${BASE}/ldap/test`);
    expect(refused.status).to.equal(502);
    expect(refused.body.code).to.equal('ldap_bind_failed');
    await admin.patch(`${BASE}/ldap`, { password: ROOT_PASSWORD });
  });

  it('creates read-only contacts from the entries, mapping attributes', async () => {
    const result = await admin.post(`${BASE}/ldap/sync`);
    expect(result.status).to.equal(200);
    expect(result.body).to.deep.equal({ created: 3, updated: 0, unchanged: 0, deleted: 0, skipped: 0 });
    const contacts = await ldapContacts();
    expect(contacts.map((c) => c.lastName)).to.deep.equal(['Archer', 'Baker', 'Cook']);
    const alice = (await admin.get(`${BASE}/contacts/${contacts[0].key}`)).body;
    expect(alice).to.include({ firstName: 'Alice', company: 'Example', jobTitle: 'CEO', readOnly: true, source: 'ldap' });
    expect(alice.emails).to.deep.equal(['alice@example.test']);
    expect(alice.numbers.map((n: { type: string; e164: string }) => [n.type, n.e164])).to.deep.equal([['work', '+33140000001'], ['mobile', '+33640000001']]);
    // A number the directory cannot read is left out; the contact still comes.
    expect((await admin.get(`${BASE}/contacts/${contacts[2].key}`)).body.numbers.map((n: { type: string }) => n.type)).to.deep.equal(['mobile']);

    const edit = await admin.patch(`${BASE}/contacts/${alice.key}`, { lastName: 'Changed' });
    expect(edit.status).to.equal(409);
    expect(edit.body.code).to.equal('contact_read_only');
    expect((await admin.delete(`${BASE}/contacts/${alice.key}`)).body.code).to.equal('contact_read_only');
    expect((await admin.get(`/api/plugins/directory/ldap`)).body.status.lastResult).to.include({ created: 3 });
  });

  it('updates changed entries, keeps their keys, and removes entries that left the directory', async () => {
    const before = new Map((await ldapContacts()).map((c) => [c.lastName, c.key]));
    const ldap = await slapd.admin();
    await ldap.modify(`uid=bob,${PEOPLE}`, [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Baker in chief'] }) })]);
    await ldap.del(`uid=carol,${PEOPLE}`);
    await ldap.add(`uid=dave,${PEOPLE}`, person('dave', 'Dave', 'Dalton'));
    await ldap.unbind();

    const result = await admin.post(`${BASE}/ldap/sync`);
    expect(result.body).to.deep.equal({ created: 1, updated: 1, unchanged: 1, deleted: 1, skipped: 0 });
    const after = await ldapContacts();
    expect(after.map((c) => c.lastName)).to.deep.equal(['Archer', 'Baker', 'Dalton']);
    expect(after.find((c) => c.lastName === 'Baker')!.key).to.equal(before.get('Baker'));
    expect((await admin.get(`${BASE}/contacts/${before.get('Baker')}`)).body.jobTitle).to.equal('Baker in chief');
  });

  it('leaves LDAP contacts alone in CSV imports (skipped, never deleted) and finds them by number', async () => {
    await importCsv(admin, 'Nom;Prénom\nLocal;Contact\n');
    const plan = await admin.get(`${BASE}/export.csv`);
    expect(plan.text).to.include(';ldap');
    // A file with only the header empties the local contacts; LDAP ones stay until they leave LDAP.
    await importCsv(admin, 'Nom;Prénom\n');
    expect((await allContacts(admin)).map((c) => c.source)).to.deep.equal(['ldap', 'ldap', 'ldap']);
    expect((await admin.get(`${BASE}/caller-name?number=0140000001`)).body.name).to.equal('Alice Archer');
  });

  it('changes nothing when the server cannot be reached', async () => {
    const count = (await ldapContacts()).length;
    await admin.patch(`${BASE}/ldap`, { url: 'ldap://127.0.0.1:1' });
    const failed = await admin.post(`${BASE}/ldap/sync`);
    expect(failed.status).to.equal(502);
    expect(failed.body.code).to.equal('ldap_unreachable');
    expect((await ldapContacts()).length).to.equal(count);
    expect((await admin.get(`${BASE}/ldap`)).body.status.lastError).to.be.a('string');
    await admin.patch(`${BASE}/ldap`, { url: slapd.url });
  });

  it('syncs on its schedule only when enabled and due', () => {
    const now = new Date('2026-11-21T12:00:00Z');
    const status = (lastSyncAt: string | null): LdapStatus => ({ lastSyncAt, lastResult: null, lastError: null });
    const on = { ...DEFAULT_LDAP, enabled: true, intervalMinutes: 60 };
    expect(isSyncDue(on, status(null), now)).to.equal(true);
    expect(isSyncDue(on, status('2026-11-21T11:30:00Z'), now)).to.equal(false);
    expect(isSyncDue(on, status('2026-11-21T11:00:00Z'), now)).to.equal(true);
    expect(isSyncDue({ ...on, enabled: false }, status(null), now)).to.equal(false);
    expect(isSyncDue({ ...on, intervalMinutes: null }, status(null), now)).to.equal(false);
  });
});
