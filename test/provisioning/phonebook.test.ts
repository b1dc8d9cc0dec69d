import { expect } from 'chai';
import { create } from 'xmlbuilder2';
import { directoryOnlyBundledDir } from '../plugins/directory/directory-app';
import { createExtension, grandstreamValues, phoneCredentials, phoneGet, phoneGetChallenged, secretPath, startProvisioningApp, tftpGet, type ProvisioningApp } from './provisioning-harness';

const DIRECTORY = '/api/plugins/directory';

interface XmlNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: Iterable<XmlNode>;
}

/** Contacts of a Grandstream AddressBook, read through the parsed DOM: "First Last: number, number". */
function contactsOf(xml: Buffer): string[] {
  const root = create(xml.toString()).root().node as unknown as XmlNode;
  expect(root.nodeName).to.equal('AddressBook');
  const child = (node: XmlNode, name: string) => [...node.childNodes].filter((n) => n.nodeName === name);
  return child(root, 'Contact').map((contact) => {
    const text = (name: string) => child(contact, name)[0]?.textContent ?? '';
    const numbers = child(contact, 'Phone').map((phone) => child(phone, 'phonenumber')[0]?.textContent);
    return `${text('FirstName')} ${text('LastName')}: ${numbers.join(', ')}`;
  });
}

describe('Provisioning phonebook from the directory plugin', () => {
  let app: ProvisioningApp;
  let mac: string;
  let site: string;
  let credentials: { username: string; password: string };

  before(async () => {
    app = await startProvisioningApp({ bundledDir: directoryOnlyBundledDir() });
    const extension = await createExtension(app.admin, '201');
    mac = 'c074ad000001';
    const device = await app.admin.post('/api/provisioning/devices', { mac, model: 'GRP2614', extensionIds: [extension.id] });
    expect(device.status, device.text).to.equal(201);
    site = await secretPath(app.admin);
    credentials = await phoneCredentials(app.admin, device.body.id);
    const folder = await app.admin.post(`${DIRECTORY}/folders`, { name: 'Ventes & Co' });
    expect(folder.status, folder.text).to.equal(201);
    for (const contact of [
      { firstName: 'Hélène', lastName: 'Lefèvre <DG>', numbers: [{ type: 'work', number: '01 23 45 67 89' }, { type: 'mobile', number: '+33 6 12 34 56 78', isDefault: true }], folderId: folder.body.id },
      { firstName: 'Bruno', lastName: 'Albert', numbers: [{ type: 'work', number: '04 72 00 00 00' }] },
      { firstName: 'Sans', lastName: 'Numéro' },
    ]) {
      const res = await app.admin.post(`${DIRECTORY}/contacts`, contact);
      expect(res.status, res.text).to.equal(201);
    }
  });
  after(() => app.t.stop());

  it('gives no phonebook to a phone that has not claimed its configuration', async () => {
    expect((await phoneGet(app.t.url, `${site}/phonebook/${mac}.xml`)).status).to.equal(403);
    expect((await phoneGet(app.t.url, `phonebook/${mac}.xml`)).status).to.equal(403);
  });

  it("tells assigned phones where their phonebook is (under the secret path), once a plugin contributes a source", async () => {
    const values = grandstreamValues((await phoneGet(app.t.url, `${site}/cfg${mac}.xml`)).body);
    const host = new URL(app.t.url).host;
    expect([values.get('P330'), values.get('P331'), values.get('P332')]).to.deep.equal(['1', `${host}/provisioning/${site}/phonebook/${mac}`, '120']);
  });

  it('requires the phone\'s credentials for the phonebook (the whole directory), challenged, and never over TFTP', async () => {
    const bare = await phoneGet(app.t.url, `${site}/phonebook/${mac}.xml`);
    expect(bare.status).to.equal(401);
    expect(bare.headers.get('www-authenticate')).to.match(/^Digest /);
    expect(bare.body.toString()).not.to.include('Albert');
    let error: Error | null = null;
    await tftpGet(app.tftpPort, `${site}/phonebook/${mac}.xml`).catch((err: Error) => (error = err));
    expect(error, 'TFTP refused').not.to.equal(null);
  });

  it('serves the directory as a Grandstream AddressBook that parses, at both paths phones use', async () => {
    const res = await phoneGetChallenged(app.t.url, `${site}/phonebook/${mac}.xml`, credentials);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/xml/);
    expect(contactsOf(res.body)).to.deep.equal(['Bruno Albert: +33472000000', 'Hélène Lefèvre <DG>: +33123456789, +33612345678']);
    expect(res.body.toString()).to.include('<name>Ventes &amp; Co</name>');
    const folderForm = await phoneGetChallenged(app.t.url, `${site}/phonebook/${mac}/phonebook.xml`, credentials);
    expect(folderForm.status).to.equal(200);
    expect(folderForm.body.equals(res.body)).to.equal(true);
  });

  it('sends ETag and Last-Modified, answers 304 while nothing changed, and regenerates after a directory change', async () => {
    const first = await phoneGetChallenged(app.t.url, `${site}/phonebook/${mac}.xml`, credentials);
    const etag = first.headers.get('etag')!;
    expect(etag).to.match(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get('last-modified')).to.be.a('string');
    const again = await phoneGetChallenged(app.t.url, `${site}/phonebook/${mac}.xml`, credentials, { 'if-none-match': etag });
    expect(again.status).to.equal(304);
    expect(again.body.length).to.equal(0);

    const added = await app.admin.post(`${DIRECTORY}/contacts`, { firstName: 'Zoé', lastName: 'Zénith', numbers: [{ type: 'work', number: '05 56 00 00 00' }] });
    expect(added.status, added.text).to.equal(201);
    const changed = await phoneGetChallenged(app.t.url, `${site}/phonebook/${mac}.xml`, credentials, { 'if-none-match': etag });
    expect(changed.status).to.equal(200);
    expect(changed.headers.get('etag')).not.to.equal(etag);
    expect(contactsOf(changed.body)).to.include('Zoé Zénith: +33556000000');
  });

  it('gives no phonebook to a phone that is not assigned', async () => {
    expect((await phoneGet(app.t.url, `${site}/phonebook/c074ad00abcd.xml`)).status).to.equal(404);
    expect((await phoneGet(app.t.url, 'phonebook/not-a-mac.xml')).status).to.equal(404);
  });
});
