import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import sinon from 'sinon';
import { io, type Socket } from 'socket.io-client';
import type { TestApp } from '../../support/test-app';
import type { ApiClient, ApiResponse } from '../../support/api-client';
import { ContactWriter } from '../../../plugins/directory/services/contact-writer';
import { allContacts, fixture, importCsv, startDirectoryApp, upload, userWithRole } from './directory-app';

const BASE = '/api/plugins/directory';

describe('Directory plugin: CSV import, export, template, backups', function () {
  this.timeout(30_000);
  let t: TestApp;
  let admin: ApiClient;

  before(async () => {
    // Batches of 2 rows, so every import here spans several batches inside its one transaction.
    t = await startDirectoryApp({ importBatchSize: 2, maxImportBytes: 64 * 1024 });
    admin = await t.adminClient();
  });
  after(() => t?.stop());

  async function exportCsv(query = ''): Promise<string> {
    const res = await admin.get(`${BASE}/export.csv${query}`);
    expect(res.status).to.equal(200);
    return res.text;
  }

  async function reset(csv: string): Promise<void> {
    await importCsv(admin, csv);
  }

  describe('template and export', () => {
    it('serves the template: the header row and one example row, in French or English', async () => {
      const fr = await admin.get(`${BASE}/template.csv`);
      expect(fr.status).to.equal(200);
      expect(fr.headers.get('content-type')).to.match(/^text\/csv/);
      expect(fr.headers.get('content-disposition')).to.match(/attachment; filename="annuaire-modele.csv"/);
      const lines = fr.text.trim().split('\r\n');
      expect(lines).to.have.length(2);
      expect(lines[0].split(';').slice(0, 3)).to.deep.equal(['Clé unique', 'Nom', 'Prénom']);
      expect(lines[1]).to.include('Dupont;Jeanne');
      const en = await admin.get(`${BASE}/template.csv?lang=en&separator=comma`);
      expect(en.text.split('\r\n')[0].split(',').slice(0, 3)).to.deep.equal(['Unique key', 'Last name', 'First name']);
    });

    it('imports the template as is (its example row becomes a contact, its folder path folders)', async () => {
      const template = (await admin.get(`${BASE}/template.csv`)).text;
      const plan = await upload(admin, template);
      expect(plan.status).to.equal(201);
      expect(plan.body.counts).to.include({ created: 1, foldersCreated: 2, rowsWithErrors: 0 });
      await admin.post(`${BASE}/imports/${plan.body.id}/apply`);
      const [contact] = await allContacts(admin);
      expect(contact).to.include({ firstName: 'Jeanne', lastName: 'Dupont', defaultNumber: '06 12 34 56 78' });
      const folders = (await admin.get(`${BASE}/folders`)).body.items.map((f: { path: string[] }) => f.path.join('/'));
      expect(folders).to.have.members(['Clients', 'Clients/Paris']);
    });

    it('exports every contact with its unique key, in a file that re-imports unchanged', async () => {
      await reset('Nom;Prénom;Tél. bureau;Tél. mobile;Numéro par défaut;E-mails\nAlpha;Anne;01 11 11 11 11;06 11 11 11 11;01 11 11 11 11;a@example.com, b@example.com\nBeta;Bob;;;;\n');
      const exported = await exportCsv();
      const keys = (await allContacts(admin)).map((c) => c.key);
      for (const key of keys) expect(exported).to.include(`${key};`);
      const plan = await upload(admin, exported);
      expect(plan.body.counts).to.include({ created: 0, updated: 0, unchanged: 2, deleted: 0 });
    });
  });

  describe('synchronisation rules', () => {
    it('creates rows without a key, updates known keys, deletes keys the file leaves out', async () => {
      await reset('Nom;Prénom;Société\nUn;Ann;A\nDeux;Ben;B\nTrois;Cat;C\n');
      const before = new Map((await allContacts(admin)).map((c) => [c.lastName, c.key]));
      const csv = [
        'Clé unique;Nom;Prénom;Société',
        `${before.get('Un')};Un;Ann;A`, // unchanged
        `${before.get('Deux')};Deux;Ben;B-renamed`, // updated
        // "Trois" left out: deleted
        ';Quatre;Dan;D', // created
      ].join('\n');
      const plan = await upload(admin, csv);
      expect(plan.status).to.equal(201);
      expect(plan.body.counts).to.include({ created: 1, updated: 1, unchanged: 1, deleted: 1, rowsWithErrors: 0 });
      expect(plan.body.canApply).to.equal(true);
      // The plan changes nothing by itself.
      expect((await allContacts(admin)).map((c) => c.lastName)).to.have.members(['Un', 'Deux', 'Trois']);

      const applied = await admin.post(`${BASE}/imports/${plan.body.id}/apply`);
      expect(applied.status).to.equal(200);
      expect(applied.body.status).to.equal('applied');
      const after = await allContacts(admin);
      expect(after.map((c) => c.lastName)).to.have.members(['Un', 'Deux', 'Quatre']);
      const deux = after.find((c) => c.lastName === 'Deux')!;
      expect(deux.key).to.equal(before.get('Deux'));
      expect(deux.company).to.equal('B-renamed');
      expect(after.find((c) => c.lastName === 'Quatre')!.key).to.match(/^[0-9a-z]{12}$/);

      const again = await admin.post(`${BASE}/imports/${plan.body.id}/apply`);
      expect(again.status).to.equal(409);
      expect(again.body.code).to.equal('import_not_pending');
    });

    it('empties the directory with a file holding only the header', async () => {
      await reset('Nom;Prénom\nX;Y\nZ;W\n');
      const plan = await upload(admin, fixture('header-only.csv'));
      expect(plan.body.counts).to.include({ created: 0, deleted: 2 });
      await admin.post(`${BASE}/imports/${plan.body.id}/apply`);
      expect(await allContacts(admin)).to.deep.equal([]);
    });

    it('reports every faulty row with its line and column, and refuses to apply while any remains', async () => {
      await reset('Nom;Prénom\nGarde;Moi\n');
      const plan = await upload(admin, fixture('row-errors.csv'));
      expect(plan.status).to.equal(201);
      expect(plan.body.canApply).to.equal(false);
      expect(plan.body.counts).to.include({ created: 1, rowsWithErrors: 5, deleted: 1 });
      const errors = plan.body.errors.map((e: { line: number; column: string; code: string }) => [e.line, e.column, e.code]);
      expect(errors).to.deep.equal([
        [3, 'Nom', 'required'],
        [4, 'Tél. mobile', 'invalid_characters'],
        [5, 'E-mails', 'invalid_email'],
        [6, 'Clé unique', 'unknown_key'],
        [7, 'Poste interne', 'invalid_extension'],
      ]);
      const refused = await admin.post(`${BASE}/imports/${plan.body.id}/apply`);
      expect(refused.status).to.equal(409);
      expect(refused.body.code).to.equal('import_has_errors');
      expect((await allContacts(admin)).map((c) => c.lastName)).to.deep.equal(['Garde']);
    });

    it('refuses a key used twice in the file', async () => {
      await reset('Nom;Prénom\nSeul;Un\n');
      const [only] = await allContacts(admin);
      const plan = await upload(admin, `Clé unique;Nom;Prénom\n${only.key};Seul;Un\n${only.key};Seul;Deux\n`);
      expect(plan.body.errors).to.deep.include({ line: 3, column: 'Clé unique', field: 'key', code: 'duplicate_key', message: `The key "${only.key}" is already on line 2.` });
    });

    it('refuses a plan made before the directory changed', async () => {
      await reset('Nom;Prénom\nAvant;Plan\n');
      const plan = await upload(admin, 'Nom;Prénom\nAprès;Plan\n');
      const created = await admin.post(`${BASE}/contacts`, { firstName: 'Entre', lastName: 'Deux' });
      expect(created.status).to.equal(201);
      const stale = await admin.post(`${BASE}/imports/${plan.body.id}/apply`);
      expect(stale.status).to.equal(409);
      expect(stale.body.code).to.equal('import_plan_stale');
    });
  });

  describe('files as people make them', () => {
    it('reads UTF-8 with a BOM, semicolons, CRLF, French headers, folders and a default number', async () => {
      const plan = await upload(admin, fixture('utf8-bom-semicolon-crlf.csv'));
      expect(plan.body).to.include({ encoding: 'utf-8', separator: 'semicolon', encodingDetected: true, separatorDetected: true });
      await admin.post(`${BASE}/imports/${plan.body.id}/apply`);
      const contacts = await allContacts(admin);
      const helene = contacts.find((c) => c.firstName === 'Hélène')!;
      expect(helene).to.include({ lastName: 'Lefèvre', company: 'Société Générale d’Exemple', defaultNumber: '06 12 34 56 78' });
      const card = (await admin.get(`${BASE}/contacts/${helene.key}`)).body;
      expect(card.folderPath).to.deep.equal(['Clients', 'Île-de-France']);
      expect(card.emails).to.deep.equal(['helene@example.com']);
      expect(card.numbers.map((n: { e164: string }) => n.e164)).to.deep.equal(['+33123456789', '+33612345678']);
      expect(contacts.find((c) => c.lastName === 'Œuvre')).to.include({ firstName: 'François', company: 'Ça & Là' });
    });

    it('reads English headers in any order, commas, LF, and reports the extra column it ignored', async () => {
      const plan = await upload(admin, fixture('utf8-comma-lf-reordered.csv'));
      expect(plan.body).to.include({ separator: 'comma' });
      expect(plan.body.columns.ignored).to.deep.equal(['Shoe size']);
      expect(plan.body.columns.recognised.map((c: { field: string }) => c.field)).to.have.members(['mobile', 'lastName', 'firstName', 'company', 'work']);
      await admin.post(`${BASE}/imports/${plan.body.id}/apply`);
      const contacts = await allContacts(admin);
      const smith = (await admin.get(`${BASE}/contacts/${contacts.find((c) => c.lastName === 'Smith')!.key}`)).body;
      expect(smith.numbers.map((n: { type: string; e164: string }) => [n.type, n.e164])).to.deep.equal([['work', '+442079460018'], ['mobile', '+33711223344']]);
      const zoe = (await admin.get(`${BASE}/contacts/${contacts.find((c) => c.lastName === 'Zoë')!.key}`)).body;
      // An internal number is kept as typed, without an E.164 form.
      expect(zoe.numbers).to.deep.equal([{ type: 'work', original: '1234', e164: null, display: '1234', isDefault: true }]);
    });

    it('detects Windows-1252 (€, ’, œ)', async () => {
      const plan = await upload(admin, fixture('windows-1252-semicolon.csv'));
      expect(plan.body).to.include({ encoding: 'windows-1252', separator: 'semicolon' });
      await admin.post(`${BASE}/imports/${plan.body.id}/apply`);
      const [contact] = await allContacts(admin);
      expect(contact).to.include({ lastName: 'Bézier', firstName: 'Cœur', company: 'L’Atelier' });
      expect((await admin.get(`${BASE}/contacts/${contact.key}`)).body.notes).to.equal('Budget 100 €');
    });

    it('detects ISO-8859-1 with tabs, and takes an encoding chosen by the user', async () => {
      const detected = await upload(admin, fixture('iso-8859-1-tab.csv'));
      expect(detected.body.separator).to.equal('tab');
      // Without bytes 0x80-0x9F both single-byte encodings read these letters the same way.
      expect(detected.body.encoding).to.be.oneOf(['iso-8859-1', 'windows-1252']);
      const chosen = await upload(admin, fixture('iso-8859-1-tab.csv'), '?encoding=iso-8859-1&separator=tab');
      expect(chosen.body).to.include({ encoding: 'iso-8859-1', encodingDetected: false, separator: 'tab', separatorDetected: false });
      await admin.post(`${BASE}/imports/${chosen.body.id}/apply`);
      const contacts = await allContacts(admin);
      expect(contacts.map((c) => `${c.firstName} ${c.lastName}`)).to.have.members(['René Garçon', 'Jürgen Müller']);
      const rene = (await admin.get(`${BASE}/contacts/${contacts.find((c) => c.lastName === 'Garçon')!.key}`)).body;
      expect(rene.address.city).to.equal('Nîmes');
    });

    it('reads quoted fields holding separators, quotes and line breaks, and numbers lines where records start', async () => {
      const plan = await upload(admin, fixture('quoted-newlines.csv'));
      expect(plan.body.counts).to.include({ created: 2, rowsWithErrors: 0 });
      await admin.post(`${BASE}/imports/${plan.body.id}/apply`);
      const contacts = await allContacts(admin);
      const durand = (await admin.get(`${BASE}/contacts/${contacts.find((c) => c.firstName === 'Paul')!.key}`)).body;
      expect(durand.lastName).to.equal('Durand, fils');
      expect(durand.address.street).to.equal('12 rue des Lilas\r\nBâtiment B');
      expect(durand.notes).to.equal('Il a dit "bonjour"\r\net il est parti');
      expect((await admin.get(`${BASE}/contacts/${contacts.find((c) => c.firstName === 'Lou')!.key}`)).body.notes).to.equal('une, deux; trois');

      const withError = await upload(admin, 'Nom,Prénom,Notes\nA,B,"two\nlines"\n,NoLastName,\n');
      expect(withError.body.errors.map((e: { line: number }) => e.line)).to.deep.equal([4]);
    });

    it('refuses malformed files with a reason, changing nothing', async () => {
      await reset('Nom;Prénom\nReste;Là\n');
      const cases: Array<[Buffer | string, string]> = [
        [fixture('malformed-unclosed-quote.csv'), 'csv_malformed'],
        [fixture('missing-columns.csv'), 'csv_missing_columns'],
        [fixture('empty.csv'), 'csv_empty'],
        [Buffer.from([0x4e, 0x6f, 0x6d, 0x00, 0x01, 0x02]), 'csv_not_text'],
        ['Nom;Prénom;Nom\nA;B;C\n', 'csv_duplicate_columns'],
      ];
      for (const [body, code] of cases) {
        const res = await upload(admin, body);
        expect(res.status, code).to.equal(422);
        expect(res.body.code).to.equal(code);
        expect(res.body.detail).to.match(/Nothing was changed/);
        expect(res.body.errors[0]).to.include({ field: 'file', code });
      }
      expect((await allContacts(admin)).map((c) => c.lastName)).to.deep.equal(['Reste']);
    });

    it('answers a body that is not a CSV file with a 4xx problem document, never a 500', async () => {
      await reset('Nom;Prénom\nReste;Là\n');
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR'), Buffer.alloc(64, 7)]);
      const send = async (body: Buffer | string, headers: Record<string, string>) => {
        const res = await fetch(`${t.url}${BASE}/imports`, { method: 'POST', headers: { cookie: admin.cookie!, 'x-csrf-token': admin.csrfToken!, ...headers }, body });
        return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as { code: string } };
      };
      const cases: Array<[string, Buffer | string, Record<string, string>, number, string]> = [
        ['JSON sent as text/csv', '{"a":1}', { 'content-type': 'text/csv' }, 422, 'csv_malformed'],
        ['a JSON array sent as text/csv', '[{"Nom":"A"}]', { 'content-type': 'text/csv' }, 422, 'csv_malformed'],
        ['JSON sent as JSON', '{"a":1}', { 'content-type': 'application/json' }, 415, 'unsupported_media_type'],
        ['a PNG image', png, { 'content-type': 'image/png' }, 422, 'csv_not_text'],
        ['a compressed body', 'Nom;Prénom\nA;B\n', { 'content-type': 'text/csv', 'content-encoding': 'gzip' }, 415, 'unsupported_content_encoding'],
      ];
      for (const [name, body, headers, status, code] of cases) {
        const res = await send(body, headers);
        expect(res.status, `${name}: ${JSON.stringify(res.body)}`).to.equal(status);
        expect(res.type, name).to.match(/application\/problem\+json/);
        expect(res.body.code, name).to.equal(code);
      }
      expect((await allContacts(admin)).map((c) => c.lastName)).to.deep.equal(['Reste']);
    });

    it('reports a row with more fields than the header', async () => {
      const plan = await upload(admin, 'Nom;Prénom\nA;B;C\n');
      expect(plan.body.errors[0]).to.include({ line: 2, code: 'too_many_fields' });
    });

    it('refuses a file over the size limit with a 413, announced or streamed', async () => {
      const big = 'Nom;Prénom\n' + 'Grand;Fichier\n'.repeat(5000);
      const announced = await upload(admin, big);
      expect(announced.status).to.equal(413);
      expect(announced.body.code).to.equal('import_too_large');
      // Chunked, without a Content-Length: the limit is enforced while the body streams in.
      const streamed = await fetch(`${t.url}${BASE}/imports`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', cookie: admin.cookie!, 'x-csrf-token': admin.csrfToken! },
        body: Readable.toWeb(Readable.from([Buffer.from(big.slice(0, 40_000)), Buffer.from(big.slice(40_000))])) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).to.equal(413);
      expect(((await streamed.json()) as { code: string }).code).to.equal('import_too_large');
    });
  });

  describe('all or nothing, backups and restore', () => {
    afterEach(() => sinon.restore());

    it('rolls the whole import back when a write fails half-way', async () => {
      await reset('Nom;Prénom\nAvant;Un\nAvant;Deux\n');
      const before = await exportCsv();
      const plan = await upload(admin, 'Nom;Prénom\nN;1\nN;2\nN;3\nN;4\nN;5\n');
      expect(plan.body.canApply).to.equal(true);
      const insert = sinon.stub(ContactWriter.prototype, 'insertMany');
      insert.onFirstCall().callThrough();
      insert.onSecondCall().rejects(new Error('disk full'));
      const failed = await admin.post(`${BASE}/imports/${plan.body.id}/apply`);
      expect(failed.status).to.equal(500);
      expect(insert.callCount).to.equal(2);
      sinon.restore();
      expect(await exportCsv()).to.equal(before);
      expect((await admin.get(`${BASE}/imports/${plan.body.id}`)).body.status).to.equal('failed');
    });

    it('rolls back when the stored file no longer matches its plan', async () => {
      await reset('Nom;Prénom\nAvant;Un\n');
      const before = await exportCsv();
      const plan = await upload(admin, 'Nom;Prénom\nN;1\nN;2\nN;3\n');
      const stored = path.join(t.dataDir, 'plugins', 'directory', 'imports', `${plan.body.id}.csv`);
      fs.appendFileSync(stored, ';Sans nom\n');
      const refused = await admin.post(`${BASE}/imports/${plan.body.id}/apply`);
      expect(refused.status).to.equal(409);
      expect(refused.body.code).to.equal('import_file_changed');
      expect(await exportCsv()).to.equal(before);
    });

    it('keeps a backup before each applied import and restores any of them in one step', async () => {
      await reset('Nom;Prénom;Société\nGardé;Un;Première\nGardé;Deux;Première\n');
      const original = await allContacts(admin);
      const exported = await exportCsv();
      await importCsv(admin, fixture('header-only.csv'));
      expect(await allContacts(admin)).to.deep.equal([]);
      await importCsv(admin, 'Nom;Prénom\nNouveau;Venu\n');

      const backups = (await admin.get(`${BASE}/backups`)).body.items as Array<{ id: number; contactCount: number; reason: string }>;
      // Newest first: before "Nouveau" (empty directory), before emptying (the two contacts)…
      expect(backups[0]).to.include({ contactCount: 0, reason: 'import' });
      expect(backups[1]).to.include({ contactCount: 2, reason: 'import' });
      const download = await admin.get(`${BASE}/backups/${backups[1].id}/download`);
      // Backups use English headers; the rows are the export's.
      const rows = (csv: string) => csv.split('\r\n').slice(1);
      expect(download.text.split('\r\n')[0]).to.match(/^Unique key;Last name;First name/);
      expect(rows(download.text)).to.deep.equal(rows(exported));

      const restored = await admin.post(`${BASE}/backups/${backups[1].id}/restore`);
      expect(restored.status).to.equal(200);
      expect(restored.body.counts).to.include({ created: 2, deleted: 1 });
      const after = await allContacts(admin);
      expect(after.map((c) => [c.key, c.firstName, c.lastName, c.company])).to.deep.equal(original.map((c) => [c.key, c.firstName, c.lastName, c.company]));
      // The restore itself was backed up first, so it can be undone the same way.
      expect((await admin.get(`${BASE}/backups`)).body.items[0]).to.include({ reason: 'restore', contactCount: 1 });
      expect((await admin.post(`${BASE}/backups/99999/restore`)).body.code).to.equal('backup_not_found');
    });

    it('takes twenty concurrent restores (twice), amid contact edits, without a 500: one at a time, the others told the directory is busy', async function () {
      this.timeout(90_000);
      await reset(`Nom;Prénom\n${Array.from({ length: 1000 }, (_, i) => `Grand${i};Annuaire`).join('\n')}\n`);
      await importCsv(admin, 'Nom;Prénom\nPetit;Annuaire\n');
      const backups = (await admin.get(`${BASE}/backups`)).body.items as Array<{ id: number; contactCount: number }>;
      const results: ApiResponse[] = [];
      for (let round = 0; round < 2; round++) {
        results.push(
          ...(await Promise.all(
            Array.from({ length: 40 }, (_, i) =>
              i % 2
                ? admin.post(`${BASE}/contacts`, { firstName: 'Pendant', lastName: `Restauration${round}-${i}` })
                : admin.post(`${BASE}/backups/${backups[(i / 2) % 2].id}/restore`),
            ),
          )),
        );
      }
      const restores = results.filter((_, i) => i % 2 === 0);
      const edits = results.filter((_, i) => i % 2 === 1);
      expect(restores.map((r) => r.status).filter((s) => s !== 200 && s !== 409), restores.map((r) => r.text).join('\n')).to.deep.equal([]);
      expect(restores.filter((r) => r.status === 409).every((r) => r.body.code === 'directory_busy')).to.equal(true);
      expect(restores.some((r) => r.status === 200)).to.equal(true);
      expect(edits.map((r) => r.status).filter((s) => s !== 201), edits.map((r) => r.text).join('\n')).to.deep.equal([]);
      expect((await admin.get('/api/health')).status).to.equal(200);
    });

    it('keeps only the configured number of backups', async () => {
      expect((await admin.patch(`${BASE}/settings`, { backupsKept: 2 })).status).to.equal(200);
      await importCsv(admin, 'Nom;Prénom\nA;B\n');
      await importCsv(admin, 'Nom;Prénom\nC;D\n');
      await importCsv(admin, 'Nom;Prénom\nE;F\n');
      expect((await admin.get(`${BASE}/backups`)).body.items).to.have.length(2);
      await admin.patch(`${BASE}/settings`, { backupsKept: 10 });
    });
  });

  describe('progress, events and permissions', () => {
    let socket: Socket | null = null;
    afterEach(() => socket?.disconnect());

    it('sends import progress and directory.changed over socket.io', async () => {
      socket = io(t.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: admin.cookie! } });
      await new Promise<void>((resolve, reject) => {
        socket!.once('connect', () => resolve());
        socket!.once('connect_error', reject);
      });
      const progress: Array<{ phase: string; processed: number; total: number | null; done: boolean }> = [];
      socket.on('directory.importProgress', (event) => progress.push(event));
      const changed = new Promise<{ reason: string }>((resolve) => socket!.once('directory.changed', resolve));
      await importCsv(admin, 'Nom;Prénom\nP;1\nP;2\nP;3\nP;4\nP;5\n');
      expect((await changed).reason).to.equal('import');
      const applyEvents = progress.filter((p) => p.phase === 'apply');
      expect(applyEvents.length).to.be.greaterThan(2);
      expect(applyEvents[applyEvents.length - 1]).to.include({ processed: 5, total: 5, done: true });
      expect(progress.some((p) => p.phase === 'plan' && p.done)).to.equal(true);
    });

    it('lets an agent read the directory but not import, export or restore', async () => {
      const agent = await userWithRole(t, admin, 'agent');
      expect((await agent.get(`${BASE}/contacts`)).status).to.equal(200);
      const forbidden = await upload(agent, 'Nom;Prénom\nA;B\n');
      expect(forbidden.status).to.equal(403);
      expect(forbidden.body.code).to.equal('forbidden');
      expect((await agent.get(`${BASE}/export.csv`)).status).to.equal(403);
      expect((await agent.post(`${BASE}/backups/1/restore`)).status).to.equal(403);
    });
  });
});
