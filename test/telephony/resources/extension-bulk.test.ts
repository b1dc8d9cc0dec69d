import { expect } from 'chai';
import type { ApiClient, ApiResponse } from '../../support/api-client';
import type { TestApp } from '../../support/test-app';
import { API, clientWithRole, createExtension, fieldErrors, ok, startResourcesApp } from './resources-app';

/**
 * Extensions in bulk: a numbered range with pasted names, CSV import and export. The same checks
 * as the single-extension form; all or nothing (a bad row refuses the whole batch, every row's
 * reasons listed); passwords generated and given once; two overlapping batches at the same time:
 * one wins entirely, the other is refused entirely.
 */
describe('Telephony resources: extensions in bulk', () => {
  let t: TestApp;
  let admin: ApiClient;
  before(async () => {
    ({ t, admin } = await startResourcesApp());
  });
  after(() => t.stop());

  const csv = (text: string, query = '') => admin.request('POST', `${API}/extensions/import${query}`, text, { 'content-type': 'text/csv' });
  const plan = (text: string) => admin.request('POST', `${API}/extensions/import/plan`, text, { 'content-type': 'text/csv' });
  const numbers = async () => ((await admin.get(`${API}/extensions?limit=200`)).body.items as Array<{ number: string }>).map((e) => e.number);
  const rowErrors = (res: ApiResponse) => {
    expect(res.status, res.text).to.equal(422);
    expect(res.body.code).to.equal('batch_refused');
    return Object.fromEntries((res.body.errors as Array<{ field: string; code: string }>).map((e) => [e.field, e.code]));
  };

  it('creates a range with names in order, the rest named after their number, passwords given once', async () => {
    const res = await admin.post(`${API}/extensions/range`, {
      from: '100',
      to: '104',
      names: ['Accueil', 'Compta', '', 'Direction'],
      template: { codecs: ['g722', 'alaw'], restrictionClass: 'internal', voicemail: { enabled: true } },
    });
    const body = ok(res, 201);
    expect(body.created.map((e: any) => [e.number, e.name])).to.deep.equal([
      ['100', 'Accueil'],
      ['101', 'Compta'],
      ['102', 'Direction'],
      ['103', '103'],
      ['104', '104'],
    ]);
    expect(body.created[0]).to.deep.include({ sipUsername: '100', codecs: ['g722', 'alaw'], restrictionClass: 'internal', voicemail: { enabled: true, email: null } });
    // The passwords in the answer are the ones stored (sealed), and never again in a list.
    expect(body.credentials).to.have.length(5);
    const revealed = ok(await admin.post(`${API}/extensions/${body.created[2].id}/sip-secret/reveal`));
    expect(body.credentials[2]).to.deep.equal({ number: '102', name: 'Direction', sipUsername: '102', sipPassword: revealed.sipPassword });
    expect(JSON.stringify((await admin.get(`${API}/extensions`)).body)).not.to.include(revealed.sipPassword);
  });

  it('gives no password to a creator without telephony.secrets', async () => {
    // A manager-like role with telephony.manage but not telephony.secrets.
    ok(await admin.post('/api/roles', { name: 'bulk_maker', permissions: ['telephony.read', 'telephony.manage'] }), 201);
    const maker = await clientWithRole(t, admin, 'bulk_maker');
    const body = ok(await maker.post(`${API}/extensions/range`, { from: '180', to: '181' }), 201);
    expect(body.created).to.have.length(2);
    expect(body.credentials).to.equal(null);
  });

  it('refuses a bad range as a whole, saying why', async () => {
    expect(fieldErrors(await admin.post(`${API}/extensions/range`, { from: '150', to: '140' }))).to.deep.equal({ 'body.to': 'range_inverted' });
    expect(fieldErrors(await admin.post(`${API}/extensions/range`, { from: '150', to: '151', names: ['a', 'b', 'c'] }))).to.deep.equal({ 'body.names': 'too_many_names' });
    expect(fieldErrors(await admin.post(`${API}/extensions/range`, { from: '1000', to: '3000' }))).to.deep.equal({ 'body.to': 'range_too_large' });
    expect(fieldErrors(await admin.post(`${API}/extensions/range`, { from: '150', to: '151', template: { codecs: [] } }))).to.have.property('body.template.codecs');
    // 103 is taken: the whole range 102–106 is refused, rows 1 and 2 named, nothing created.
    const before = await numbers();
    const refused = await admin.post(`${API}/extensions/range`, { from: '103', to: '106', template: { restrictionClass: 'nope' } });
    const errors = rowErrors(refused);
    expect(errors).to.include({ 'rows.1.number': 'duplicate', 'rows.1.restrictionClass': 'not_found', 'rows.4.restrictionClass': 'not_found' });
    expect(refused.body.detail).to.match(/^4 of 4 rows cannot be applied, so nothing was changed/);
    expect(refused.body.errors.find((e: any) => e.field === 'rows.1.number').message).to.equal('Row 1, number: The number 103 is already used by extension "103".');
    expect(await numbers()).to.deep.equal(before);
  });

  it('imports a CSV file with the form’s checks, all or nothing, and says which lines are wrong', async () => {
    const good = 'numéro;nom;codecs;voicemail;forwardBusy\r\n200;Alice Martin;opus g722;oui;\r\n201;"Bruno; Petit";alaw;non;200\r\n';
    const planned = ok(await plan(good));
    expect(planned).to.deep.equal({ format: { encoding: 'utf-8', separator: 'semicolon' }, columns: ['number', 'name', 'codecs', 'voicemail', 'forwardBusy'], rows: 2, numbers: ['200', '201'] });
    expect((await numbers()).filter((n) => n.startsWith('2'))).to.deep.equal([]);

    // Line 3 repeats line 2's number, line 4 has a bad codec and a number starting with 0, line 5 is an emergency number.
    const bad = 'number,name,codecs,webrtc\n300,Carole,alaw,no\n300,Denis,alaw,yes\n0301,Eve,speex,maybe\n112,Fanny,,\n';
    const refused = await csv(bad);
    expect(rowErrors(refused)).to.deep.equal({
      'rows.3.number': 'duplicate',
      'rows.4.number': 'internal_number',
      'rows.4.codecs': 'invalid_value',
      'rows.4.webrtc': 'invalid_type',
      'rows.5.number': 'emergency_number',
    });
    expect(refused.body.errors.map((e: any) => e.message)).to.include('Line 3, number: The number 300 is already given to row 2 of this batch.');
    expect(await numbers()).not.to.include('300');

    const created = ok(await csv(good), 201);
    expect(created.created.map((e: any) => e.name)).to.deep.equal(['Alice Martin', 'Bruno; Petit']);
    expect(created.created[0]).to.deep.include({ codecs: ['opus', 'g722'], voicemail: { enabled: true, email: null } });
    expect(created.created[1].forwarding.busy).to.equal('200');
    expect(created.credentials.map((c: any) => c.number)).to.deep.equal(['200', '201']);
    // The same file again: every number is taken, nothing is created twice.
    expect(rowErrors(await csv(good))).to.deep.equal({ 'rows.2.number': 'duplicate', 'rows.2.sipUsername': 'duplicate', 'rows.3.number': 'duplicate', 'rows.3.sipUsername': 'duplicate' });
  });

  it('refuses a file as a whole for its header, its encoding of secrets or its size', async () => {
    const refusal = async (text: string) => {
      const res = await csv(text);
      expect(res.status, res.text).to.equal(422);
      return res.body.code;
    };
    expect(await refusal('')).to.equal('csv_empty');
    expect(await refusal('number,name,password\n400,A,secret\n')).to.equal('csv_secret_column');
    expect(await refusal('number,name,colour\n400,A,blue\n')).to.equal('csv_unknown_column');
    expect(await refusal('name\nA\n')).to.equal('csv_missing_column');
    expect(await refusal('number,name\n400,"A\n')).to.equal('csv_malformed');
    expect(await refusal('number,name\n')).to.equal('batch_empty');
    // Windows-1252 (Excel in France): "Hélène" arrives intact.
    const latin = Buffer.from('number;name\r\n410;H\xe9l\xe8ne\r\n', 'latin1');
    const res = await fetch(`${t.url}${API}/extensions/import`, { method: 'POST', body: latin, headers: { 'content-type': 'text/csv', cookie: admin.cookie!, 'x-csrf-token': admin.csrfToken! } });
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).to.equal(201);
    expect(body.format.encoding).to.equal('windows-1252');
    expect(body.created[0].name).to.equal('Hélène');
    // The encoding may be chosen, as in the directory's import (the same facility reads both).
    const chosen = await fetch(`${t.url}${API}/extensions/import/plan?encoding=iso-8859-1&separator=semicolon`, { method: 'POST', body: Buffer.from('number;name\r\n411;Z\xf6e\r\n', 'latin1'), headers: { 'content-type': 'text/csv', cookie: admin.cookie!, 'x-csrf-token': admin.csrfToken! } });
    expect(((await chosen.json()) as any).format).to.deep.equal({ encoding: 'iso-8859-1', separator: 'semicolon' });
    expect((await csv('number,name\n412,A\n', '?encoding=utf-16')).status).to.equal(422);
    expect((await admin.request('POST', `${API}/extensions/import`, 'x'.repeat(1024 * 1024 + 1), { 'content-type': 'text/csv' })).status).to.equal(413);
  });

  it('exports every extension without secrets, and the export imports on an empty system', async () => {
    const res = await admin.get(`${API}/extensions/export.csv?separator=semicolon`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.include('text/csv');
    expect(res.headers.get('content-disposition')).to.match(/attachment; filename="extensions-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = res.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).to.equal('number;name;sipUsername;codecs;maxContacts;webrtc;voicemail;voicemailEmail;recording;restrictionClass;outboundCallerId;doNotDisturb;forwardAlways;forwardBusy;forwardNoAnswer;forwardNoAnswerSeconds');
    expect(lines).to.include('200;Alice Martin;200;opus g722;3;no;yes;;never;national;;no;;;;20');
    expect(lines).to.include('201;"Bruno; Petit";201;alaw;3;no;no;;never;national;;no;;200;;20');
    for (const id of ((await admin.get(`${API}/extensions?limit=200`)).body.items as Array<{ id: number }>).map((e) => e.id)) {
      const { sipPassword } = ok(await admin.post(`${API}/extensions/${id}/sip-secret/reveal`));
      expect(res.text).not.to.include(sipPassword);
    }
    // Every extension deleted, the export imported back: the same extensions.
    const exported = (await admin.get(`${API}/extensions?limit=200`)).body.items as Array<any>;
    for (const e of exported) ok(await admin.delete(`${API}/extensions/${e.id}`), 204);
    const reimported = ok(await csv(res.text), 201);
    const strip = (e: any) => ({ ...e, id: 0, createdAt: '', updatedAt: '' });
    expect(reimported.created.map(strip)).to.deep.equal(exported.map(strip));
    expect((await t.client().get(`${API}/extensions/export.csv`)).status).to.equal(401);
  });

  it('publishes the progress of a large batch, checked then created, for the shell’s bars', async () => {
    const events: any[] = [];
    const stop = t.app.cradle.events.subscribe('telephony.bulkProgress' as never, (payload: unknown) => {
      events.push(payload);
    });
    try {
      ok(await admin.post(`${API}/extensions/range`, { from: '800', to: '919' }), 201);
      await new Promise((resolve) => setImmediate(resolve));
      const ids = new Set(events.map((e) => e.id));
      expect(ids.size).to.equal(1);
      expect(events.map(({ phase, processed, total, done }) => [phase, processed, total, done])).to.deep.equal([
        ['plan', 50, 120, false],
        ['plan', 100, 120, false],
        ['plan', 120, 120, true],
        ['apply', 50, 120, false],
        ['apply', 100, 120, false],
        ['apply', 120, 120, true],
      ]);
      expect(t.app.cradle.events.definition('telephony.bulkProgress')).to.include({ permission: 'telephony.manage', owner: 'core' });
    } finally {
      stop();
    }
  });

  it('runs two overlapping batches at once: one is created entirely, the other refused entirely', async () => {
    await createExtension(admin, '599');
    const [a, b] = await Promise.all([
      admin.post(`${API}/extensions/range`, { from: '600', to: '649' }),
      csv(`number,name\n${Array.from({ length: 20 }, (_, i) => `${640 + i},Overlap ${i}`).join('\n')}\n`),
    ]);
    const outcomes = [a.status, b.status].sort();
    expect(outcomes, `${a.text} ${b.text}`).to.deep.equal([201, 422]);
    const range = (await numbers()).filter((n) => n >= '600' && n <= '659');
    const winner = a.status === 201 ? a : b;
    const loser = a.status === 201 ? b : a;
    // Exactly the winner's extensions exist: none of the loser's that did not overlap.
    expect(range).to.deep.equal(winner.body.created.map((e: any) => e.number));
    expect(range).to.have.length(winner === a ? 50 : 20);
    expect(loser.body.code).to.equal('batch_refused');
    expect(loser.body.errors.map((e: any) => e.code)).to.include('duplicate');
    expect(loser.body.detail).to.include('nothing was changed');
  });

  it('keeps the database consistent when batches race past the plan (the unique indexes decide, in one transaction)', async () => {
    const bulk = t.app.cradle.telephonyResources.extensionBulk;
    // Two plans pass (nothing exists yet), then both write at once without the queue.
    const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ row: i + 1, body: { number: String(from + i), name: `Race ${from + i}` } }));
    const first = rows(700, 30);
    const second = rows(720, 30);
    await bulk.plan(first, 'row');
    await bulk.plan(second, 'row');
    const results = await Promise.allSettled([(bulk as any).createNow(first, 'row', false), (bulk as any).createNow(second, 'row', false)]);
    // Whichever way the database settles it (a duplicate key, or a deadlock whose victim plans again): one wins, the other is refused.
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    expect(fulfilled).to.have.length(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason.status, String(rejected.reason)).to.be.oneOf([409, 422]);
    const made = (await numbers()).filter((n) => n >= '700' && n < '800');
    expect(made).to.have.length(30);
    expect(made[0]).to.be.oneOf(['700', '720']);
  });
});
