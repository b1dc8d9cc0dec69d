import { expect } from 'chai';
import sinon from 'sinon';
import { create } from 'xmlbuilder2';
import { directoryOnlyBundledDir, importCsv } from '../plugins/directory/directory-app';
import { watchEventLoop } from '../support/event-loop-stalls';
import { fetchInWorker } from '../support/fetch-in-worker';
import { createExtension, digestAuthorization, grandstreamValues, phoneCredentials, phoneGet, phoneGetChallenged, secretPath, startProvisioningApp, tftpGet, UA_GRP2614, type ProvisioningApp } from './provisioning-harness';

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

/** A directory of `count` contacts (two numbers, a company, an e-mail, one of five folders each): about 2.8 MB of AddressBook. */
function directoryCsv(count: number): string {
  const lines = ['Nom;Prénom;Société;Dossier;Tél. bureau;Tél. mobile;E-mails;Fonction'];
  const pad = (n: number) => String(n).padStart(4, '0');
  for (let i = 0; i < count; i++) {
    lines.push([`Nom-${pad((i * 7919) % count)} & Fils`, `Prénom ${i % 97}`, 'Société Générale d’Exemple', ['Clients/Paris', 'Clients/Lyon', 'Fournisseurs', 'Partenaires/Europe', ''][i % 5], `01 45 ${pad(i).slice(0, 2)} ${pad(i).slice(2)} 10`, `06 12 ${pad(i).slice(0, 2)} ${pad(i).slice(2)} 20`, `contact.${i}@example.com`, 'Responsable des achats'].join(';'));
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('Provisioning phonebook of a 5,000-contact directory, without holding the event loop', function () {
  this.timeout(300_000);
  const CONTACTS = 5000;
  let app: ProvisioningApp;
  let site: string;
  const macs = ['c074ad000011', 'c074ad000012', 'c074ad000013', 'c074ad000014', 'c074ad000015'];
  const credentials = new Map<string, { username: string; password: string }>();

  before(async () => {
    app = await startProvisioningApp({ bundledDir: directoryOnlyBundledDir() });
    site = await secretPath(app.admin);
    for (const [i, mac] of macs.entries()) {
      const extension = await createExtension(app.admin, String(301 + i));
      const device = await app.admin.post('/api/provisioning/devices', { mac, model: 'GRP2614', extensionIds: [extension.id] });
      expect(device.status, device.text).to.equal(201);
      // Each phone claims its configuration (its first fetch on the secret path), as on its first boot.
      expect((await phoneGet(app.t.url, `${site}/cfg${mac}.xml`)).status).to.equal(200);
      credentials.set(mac, await phoneCredentials(app.admin, device.body.id));
    }
    await importCsv(app.admin, directoryCsv(CONTACTS));
  });
  after(() => app.t.stop());

  let added = 0;
  it('keeps event-loop lag under 50 ms while the directory changes and phones fetch it, building each version once', async function () {
    // A timing bound on a shared machine, in the main thread's CPU time (see watchEventLoop): once
    // more if the kernel's scheduling still weighs in. Sliced, the build holds the loop about
    // 10 ms at a time on a 2-core CI machine; in one go it took 45 ms of CPU there (and 0.3 s of
    // wall clock under load), so the bound is the 50 ms, not a regression detector.
    this.retries(1);
    const vendor = app.t.app.cradle.provisioningVendors.get('grandstream')!;
    const before = added;
    const renders = sinon.spy(vendor, 'renderPhonebook');
    const served: Buffer[] = [];
    const watch = watchEventLoop();
    let stalls;
    try {
      for (let round = 1; round <= 3; round++) {
        const change = await app.admin.post(`${DIRECTORY}/contacts`, { firstName: 'Ajout', lastName: `Tour ${before + round}`, numbers: [{ type: 'work', number: `05 56 00 00 0${before + round}` }] });
        expect(change.status).to.equal(201);
        added += 1;
        // Five phones at once after the change: one rendering, the same bytes for all. Each is
        // challenged (Digest nonces are single-use), then answers from a thread of its own.
        const files = macs.map((mac) => `${site}/phonebook/${mac}.xml`);
        const challenges = await Promise.all(files.map((file) => phoneGet(app.t.url, file)));
        expect(challenges.map((c) => c.status)).to.deep.equal(files.map(() => 401));
        const fetched = await fetchInWorker(
          files.map((file, i) => {
            const { username, password } = credentials.get(macs[i]!)!;
            const challenge = challenges[i]!.headers.get('www-authenticate') ?? '';
            return { url: `${app.t.url}/provisioning/${file}`, headers: { 'user-agent': UA_GRP2614, authorization: digestAuthorization(challenge, username, password, `/provisioning/${file}`) } };
          }),
        );
        for (const res of fetched) {
          expect(res.status).to.equal(200);
          expect(res.body.equals(fetched[0]!.body), 'every phone gets the same bytes').to.equal(true);
        }
        served.push(fetched[0]!.body);
      }
    } finally {
      stalls = watch.stop();
      renders.restore();
    }
    // The event loop's own figure (the wall clock, scheduler waits included) is in the message when the assertion fails.
    const figures = `longest stall caused here ${stalls.ownMaxMs.toFixed(1)} ms (wall clock ${stalls.wallMaxMs.toFixed(1)} ms, longest garbage collection of the test process ${stalls.gcMaxMs.toFixed(1)} ms)`;
    expect(stalls.ownMaxMs, figures).to.be.below(50);
    expect(renders.callCount, 'one rendering per directory version').to.equal(3);
    // Checked once the watch is over: parsing 2.8 MB into a DOM is the test's own work, not the server's.
    served.forEach((body, i) => {
      expect(body.length).to.be.greaterThan(2_000_000);
      const contacts = contactsOf(body);
      expect(contacts).to.have.length(CONTACTS + before + i + 1);
      expect(contacts).to.include(`Ajout Tour ${before + i + 1}: +3355600000${before + i + 1}`);
    });
  });

  it('reports event-loop lag in /api/health and the dashboard, from perf_hooks over the last window', async () => {
    const health = await fetch(`${app.t.url}/api/health`);
    const body = (await health.json()) as { eventLoop: Record<string, number> };
    expect(body.eventLoop).to.have.all.keys('p50Ms', 'p99Ms', 'maxMs', 'meanMs', 'windowSeconds');
    expect(body.eventLoop.maxMs).to.be.at.least(body.eventLoop.p99Ms);
    expect(body.eventLoop.p99Ms).to.be.at.least(body.eventLoop.p50Ms);
    const dashboard = await app.admin.get('/api/system/dashboard');
    expect(dashboard.body.health.eventLoop).to.have.all.keys('p50Ms', 'p99Ms', 'maxMs', 'meanMs', 'windowSeconds');
  });
});
