import { expect } from 'chai';
import type { TestApp } from '../../support/test-app';
import type { ApiClient } from '../../support/api-client';
import type { CallerNameResolver, PhonebookSource } from '../../../plugins/directory/phonebook-source';
import { renderAddressBook } from '../../../provisioning/vendors/grandstream/address-book';
import { allContacts, importCsv, startDirectoryApp, userWithRole } from './directory-app';

const BASE = '/api/plugins/directory';

describe('Directory plugin: contacts, folders, search, permissions', function () {
  this.timeout(30_000);
  let t: TestApp;
  let admin: ApiClient;

  before(async () => {
    t = await startDirectoryApp();
    admin = await t.adminClient();
  });
  after(() => t?.stop());

  async function create(body: Record<string, unknown>) {
    const res = await admin.post(`${BASE}/contacts`, body);
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
    return res.body;
  }

  describe('contact card', () => {
    it('creates a contact with typed numbers, one default, e-mails, address and links; Carillon assigns the key', async () => {
      const me = (await admin.get('/api/auth/me')).body;
      const card = await create({
        firstName: 'Hélène', lastName: 'Lefèvre', company: 'Exemple SA', jobTitle: 'Directrice',
        numbers: [{ type: 'work', number: '01 23 45 67 89' }, { type: 'mobile', number: '+33 6 12 34 56 78', isDefault: true }, { type: 'other', number: '+1 212 555 0100' }],
        emails: ['helene@example.com'], address: { street: '1 rue de la Paix', postalCode: '75002', city: 'Paris', country: 'France' },
        notes: 'VIP', userId: me.user?.id ?? me.id, extension: '201',
      });
      expect(card.key).to.match(/^[0-9a-z]{12}$/);
      expect(card).to.include({ displayName: 'Hélène Lefèvre', defaultNumber: '06 12 34 56 78', extension: '201', readOnly: false });
      expect(card.numbers.map((n: { e164: string; original: string }) => [n.e164, n.original])).to.deep.equal([
        ['+33123456789', '01 23 45 67 89'], ['+33612345678', '+33 6 12 34 56 78'], ['+12125550100', '+1 212 555 0100'],
      ]);
      // National display: French numbers nationally, a foreign one stays international.
      expect(card.numbers.map((n: { display: string }) => n.display)).to.deep.equal(['01 23 45 67 89', '06 12 34 56 78', '+1 212 555 0100']);
      expect((await admin.get(`${BASE}/contacts/${card.key}`)).body).to.deep.equal(card);
    });

    it('shows numbers in international format to users who prefer it', async () => {
      const card = await create({ firstName: 'Inter', lastName: 'National', numbers: [{ type: 'work', number: '04 72 00 00 00' }] });
      const me = (await admin.get('/api/auth/me')).body;
      const userId = me.user?.id ?? me.id;
      expect((await admin.patch(`/api/users/${userId}`, { numberDisplay: 'international' })).status).to.equal(200);
      try {
        const seen = (await admin.get(`${BASE}/contacts/${card.key}`)).body;
        expect(seen.defaultNumber).to.equal('+33472000000');
      } finally {
        await admin.patch(`/api/users/${userId}`, { numberDisplay: 'national' });
      }
    });

    it('answers field-level errors', async () => {
      const missing = await admin.post(`${BASE}/contacts`, { firstName: 'Seul' });
      expect(missing.status).to.equal(422);
      expect(missing.body.errors.map((e: { field: string }) => e.field)).to.deep.equal(['body.lastName']);
      const badNumber = await admin.post(`${BASE}/contacts`, { firstName: 'A', lastName: 'B', numbers: [{ type: 'work', number: '01 23' }, { type: 'fax', number: 'call me' }] });
      expect(badNumber.status).to.equal(422);
      expect(badNumber.body.errors).to.deep.include({ field: 'body.numbers.1.number', code: 'invalid_characters', message: 'A phone number holds only digits, spaces, + ( ) . - and /.' });
      const twoDefaults = await admin.post(`${BASE}/contacts`, {
        firstName: 'A', lastName: 'B', numbers: [{ type: 'work', number: '0123456789', isDefault: true }, { type: 'home', number: '0423456789', isDefault: true }],
      });
      expect(twoDefaults.body.errors[0].field).to.equal('body.numbers');
      const noUser = await admin.post(`${BASE}/contacts`, { firstName: 'A', lastName: 'B', userId: 9999 });
      expect(noUser.body.errors).to.deep.equal([{ field: 'body.userId', code: 'user_not_found', message: 'No Carillon user with id 9999.' }]);
      expect((await admin.get(`${BASE}/contacts/nosuchkey0`)).body.code).to.equal('contact_not_found');
    });

    it('edits and deletes a contact', async () => {
      const card = await create({ firstName: 'Old', lastName: 'Name', numbers: [{ type: 'work', number: '0123456780' }] });
      const edited = await admin.patch(`${BASE}/contacts/${card.key}`, { lastName: 'New', numbers: [{ type: 'home', number: '0423456780' }, { type: 'mobile', number: '0623456780', isDefault: true }] });
      expect(edited.status).to.equal(200);
      expect(edited.body).to.include({ key: card.key, firstName: 'Old', lastName: 'New', defaultNumber: '06 23 45 67 80' });
      expect((await admin.delete(`${BASE}/contacts/${card.key}`)).status).to.equal(204);
      expect((await admin.get(`${BASE}/contacts/${card.key}`)).status).to.equal(404);
    });

    it('reads numbers in the configured default region', async () => {
      expect((await admin.patch(`${BASE}/settings`, { defaultRegion: 'BE' })).body.defaultRegion).to.equal('BE');
      try {
        const card = await create({ firstName: 'Belge', lastName: 'Contact', numbers: [{ type: 'work', number: '02 123 45 67' }] });
        expect(card.numbers[0].e164).to.equal('+3221234567');
      } finally {
        await admin.patch(`${BASE}/settings`, { defaultRegion: 'FR' });
      }
      expect((await admin.patch(`${BASE}/settings`, { defaultRegion: 'XX' })).status).to.equal(422);
    });
  });

  describe('folders', () => {
    it('creates nested folders, renames, refuses duplicates and cycles', async () => {
      const sales = (await admin.post(`${BASE}/folders`, { name: 'Ventes' })).body;
      const paris = (await admin.post(`${BASE}/folders`, { name: 'Paris', parentId: sales.id })).body;
      expect(paris.path).to.deep.equal(['Ventes', 'Paris']);
      const renamed = await admin.patch(`${BASE}/folders/${paris.id}`, { name: 'Lyon' });
      expect(renamed.body.path).to.deep.equal(['Ventes', 'Lyon']);
      const duplicate = await admin.post(`${BASE}/folders`, { name: 'lyon', parentId: sales.id });
      expect(duplicate.status).to.equal(409);
      expect(duplicate.body.code).to.equal('folder_exists');
      const cycle = await admin.patch(`${BASE}/folders/${sales.id}`, { parentId: paris.id });
      expect(cycle.body.code).to.equal('folder_cycle');
      expect((await admin.post(`${BASE}/folders`, { name: 'a/b' })).status).to.equal(422);
      const unknownParameter = await admin.get(`${BASE}/folders?sort=name`);
      expect(unknownParameter.status).to.equal(422);
      expect(unknownParameter.body.errors[0].field).to.equal('query');
    });

    it('deletes a folder moving its content to its parent, or removing it', async () => {
      const top = (await admin.post(`${BASE}/folders`, { name: 'Haut' })).body;
      const mid = (await admin.post(`${BASE}/folders`, { name: 'Milieu', parentId: top.id })).body;
      const low = (await admin.post(`${BASE}/folders`, { name: 'Bas', parentId: mid.id })).body;
      const inMid = await create({ firstName: 'Dans', lastName: 'Milieu', folderId: mid.id });
      const inLow = await create({ firstName: 'Dans', lastName: 'Bas', folderId: low.id });

      const moved = await admin.delete(`${BASE}/folders/${mid.id}?contents=move`);
      expect(moved.status).to.equal(200);
      expect(moved.body).to.deep.equal({ contactsMoved: 1, contactsDeleted: 0 });
      expect((await admin.get(`${BASE}/contacts/${inMid.key}`)).body.folderPath).to.deep.equal(['Haut']);
      expect((await admin.get(`${BASE}/contacts/${inLow.key}`)).body.folderPath).to.deep.equal(['Haut', 'Bas']);

      const removed = await admin.delete(`${BASE}/folders/${top.id}?contents=delete`);
      expect(removed.body).to.deep.equal({ contactsMoved: 0, contactsDeleted: 2 });
      expect((await admin.get(`${BASE}/contacts/${inLow.key}`)).status).to.equal(404);
      const left = (await admin.get(`${BASE}/folders`)).body.items.map((f: { name: string }) => f.name);
      expect(left).not.to.include.members(['Haut', 'Bas']);
      expect((await admin.delete(`${BASE}/folders/${low.id}?contents=move`)).body.code).to.equal('folder_not_found');
      expect((await admin.delete(`${BASE}/folders/1?contents=shred`)).status).to.equal(422);
    });
  });

  describe('search', () => {
    before(async () => {
      await importCsv(admin, [
        'Nom;Prénom;Société;Tél. bureau;Tél. mobile;Dossier',
        'Lefèvre;Hélène;Société Générale;01 23 45 67 89;;Clients',
        'Dupont;Jean;Acme Industries;04 72 11 22 33;06 99 88 77 66;',
        'Dupond;Jeanne;Acme;;;',
        'Martin;Paul;Boulangerie du Centre;+44 20 7946 0018;;',
        ...Array.from({ length: 60 }, (_, i) => `Zeta${String(i).padStart(2, '0')};Test;Bulk;;;`),
      ].join('\n'));
    });

    async function search(q: string, extra = ''): Promise<string[]> {
      const res = await admin.get(`${BASE}/contacts?q=${encodeURIComponent(q)}${extra}`);
      expect(res.status).to.equal(200);
      return res.body.items.map((c: { lastName: string }) => c.lastName);
    }

    it('finds by name prefix, without caring for accents or case', async () => {
      expect(await search('helene')).to.deep.equal(['Lefèvre']);
      expect(await search('LEFEV')).to.deep.equal(['Lefèvre']);
      expect(await search('dupon')).to.deep.equal(['Dupond', 'Dupont']);
      expect(await search('jean dupont')).to.deep.equal(['Dupont']);
    });

    it('lists a contact matching through two words once, results grouped by the word matched', async () => {
      await create({ firstName: 'Marie', lastName: 'Martin' });
      await create({ firstName: 'Marc', lastName: 'Aubert' });
      const res = await admin.get(`${BASE}/contacts?q=mar`);
      expect(res.body.items.map((c: { displayName: string }) => c.displayName)).to.deep.equal(['Marc Aubert', 'Marie Martin', 'Paul Martin']);
      const page2 = await admin.get(`${BASE}/contacts?q=mar&limit=1&offset=1`);
      expect(page2.body.items.map((c: { displayName: string }) => c.displayName)).to.deep.equal(['Marie Martin']);
      expect(page2.body.hasMore).to.equal(true);
    });

    it('finds by any word of the company', async () => {
      expect(await search('generale')).to.deep.equal(['Lefèvre']);
      expect(await search('boulangerie')).to.deep.equal(['Martin']);
      expect(await search('acme')).to.deep.equal(['Dupond', 'Dupont']);
    });

    it('finds by any number, typed in any format, complete or not', async () => {
      for (const typed of ['01 23 45 67 89', '0123456789', '+33 1 23 45 67 89', '0033123456789', '01.23.45', '+331234']) {
        expect(await search(typed), typed).to.deep.equal(['Lefèvre']);
      }
      expect(await search('06 99 88')).to.deep.equal(['Dupont']);
      expect(await search('+44 20 7946')).to.deep.equal(['Martin']);
      expect(await search('07 00 00')).to.deep.equal([]);
    });

    it('pages and filters by folder', async () => {
      const first = await admin.get(`${BASE}/contacts?q=zeta&limit=50`);
      expect(first.body.items).to.have.length(50);
      expect(first.body.hasMore).to.equal(true);
      const second = await admin.get(`${BASE}/contacts?q=zeta&limit=50&offset=50`);
      expect(second.body.items.map((c: { lastName: string }) => c.lastName)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `Zeta${50 + i}`));
      expect(second.body.hasMore).to.equal(false);
      const clients = (await admin.get(`${BASE}/folders`)).body.items.find((f: { name: string }) => f.name === 'Clients');
      expect(await search('', `&folderId=${clients.id}`)).to.deep.equal(['Lefèvre']);
      expect(await search('acme', '&folderId=root')).to.deep.equal(['Dupond', 'Dupont']);
    });
  });

  describe('uses elsewhere', () => {
    it('names callers from the directory, in the collection telephony.callerNameResolvers and over the API', async () => {
      const [resolver] = t.app.cradle.collections.list<CallerNameResolver>('telephony.callerNameResolvers');
      expect(resolver.id).to.equal('directory');
      expect(await resolver.resolve('+33123456789')).to.equal('Hélène Lefèvre');
      expect(await resolver.resolve('0472112233')).to.equal('Jean Dupont');
      expect(await resolver.resolve('+33999999999')).to.equal(null);
      expect((await admin.get(`${BASE}/caller-name?number=${encodeURIComponent('+442079460018')}`)).body).to.deep.equal({ name: 'Paul Martin' });
    });

    it('is a phonebook source: folders as groups, contacts with numbers as entries', async () => {
      const [source] = t.app.cradle.collections.list<PhonebookSource>('provisioning.phonebookSources');
      expect(source.id).to.equal('directory');
      const before = source.changedAt();
      const groups = await source.groups();
      const clients = groups.find((g) => g.name === 'Clients')!;
      const entries = await source.entries();
      const helene = entries.find((e) => e.lastName === 'Lefèvre')!;
      expect(helene).to.deep.include({ firstName: 'Hélène', company: 'Société Générale', groupIds: [clients.id] });
      expect(helene.numbers).to.deep.equal([{ type: 'work', dial: '+33123456789', isDefault: true }]);
      expect(entries.some((e) => e.lastName === 'Zeta00')).to.equal(false);
      const xml = [...renderAddressBook(groups, entries)].join('');
      expect(xml).to.include('<name>Clients</name>').and.to.include('<FirstName>Hélène</FirstName>');
      await create({ firstName: 'Change', lastName: 'Marker' });
      expect(source.changedAt().getTime()).to.be.greaterThan(before.getTime());
    });
  });

  describe('permissions', () => {
    it('grants directory.read to every built-in role, and manage/configure to none but admin', async () => {
      const roles = (await admin.get('/api/roles')).body.items as Array<{ name: string; permissions: string[] }>;
      for (const role of roles.filter((r) => r.name !== 'admin')) {
        expect(role.permissions, role.name).to.include('directory.read');
        expect(role.permissions, role.name).not.to.include.members(['directory.manage']);
        expect(role.permissions, role.name).not.to.include('directory.configure');
      }
    });

    it('lets an agent read and search but not change or configure', async () => {
      const agent = await userWithRole(t, admin, 'agent');
      const list = await agent.get(`${BASE}/contacts?q=lefevre`);
      expect(list.status).to.equal(200);
      expect(list.body.items).to.have.length(1);
      expect((await agent.get(`${BASE}/contacts/${list.body.items[0].key}`)).status).to.equal(200);
      expect((await agent.get(`${BASE}/folders`)).status).to.equal(200);
      for (const [method, path, body] of [
        ['POST', '/contacts', { firstName: 'No', lastName: 'Way' }],
        ['PATCH', `/contacts/${list.body.items[0].key}`, { lastName: 'X' }],
        ['DELETE', `/contacts/${list.body.items[0].key}`, undefined],
        ['POST', '/folders', { name: 'Nope' }],
        ['GET', '/settings', undefined],
        ['PATCH', '/ldap', { enabled: false }],
        ['POST', '/ldap/sync', {}],
      ] as const) {
        const res = await agent.request(method, `${BASE}${path}`, body);
        expect(res.status, `${method} ${path}`).to.equal(403);
      }
      expect((await allContacts(admin)).length).to.be.greaterThan(0);
    });
  });
});
