import path from 'node:path';
import fs from 'node:fs';
import { expect } from 'chai';
import { startTestApp, tempDir, type TestApp } from '../../support/test-app';
import { appendCdr, cdr, eventually, userfield } from '../../calls/calls-harness';
import { directoryOnlyBundledDir } from './directory-app';

describe('Directory: caller names in the call log', () => {
  let t: TestApp;
  let cdrFile: string;

  before(async () => {
    const dataDir = tempDir('carillon-dir-calls-');
    cdrFile = path.join(dataDir, 'Master.csv');
    fs.writeFileSync(cdrFile, '');
    t = await startTestApp({ dataDir, bundledDir: directoryOnlyBundledDir(), overrides: { telephony: { cdrFile } } });
  });
  after(() => t?.stop());

  it('names an inbound caller Asterisk gave no name for, from the directory, whatever the number format', async () => {
    const admin = await t.adminClient();
    const contact = await admin.post('/api/plugins/directory/contacts', {
      firstName: 'Hélène',
      lastName: 'Lefèvre',
      company: 'Exemple SA',
      numbers: [{ type: 'mobile', number: '06 12 34 56 78', isDefault: true }],
    });
    expect(contact.status, contact.text).to.equal(201);

    // Asterisk writes the caller as it came from the operator, in international form, with no name.
    appendCdr(cdrFile, [
      cdr({ uniqueid: '1795259800.1', start: new Date(Date.now() - 60_000), src: '+33612345678', clid: '"" <+33612345678>', talk: 20, seconds: 30, userfield: userfield({ call: '1795259800.1', dir: 'in', to: '201', dialstatus: 'ANSWER' }) }),
      cdr({ uniqueid: '1795259801.2', start: new Date(Date.now() - 30_000), src: '+33699999999', clid: '"" <+33699999999>', userfield: userfield({ call: '1795259801.2', dir: 'in', to: '201', dialstatus: 'NOANSWER' }) }),
    ]);
    const calls = await eventually('the CDR lines in the call log', async () => {
      const res = await admin.get('/api/calls');
      return res.body.items?.length === 2 && res.body.items;
    }, 10_000);
    const byNumber = new Map(calls.map((c: { callerNumber: string; callerName: string }) => [c.callerNumber, c.callerName]));
    expect(byNumber.get('+33612345678')).to.equal('Hélène Lefèvre');
    expect(byNumber.get('+33699999999')).to.equal('');
  });
});
