import path from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { DataTypes, Model, Sequelize } from 'sequelize';
import { LoadedDeviceCache, ModelRevision } from '../../provisioning/devices/loaded-device-cache';
import { RenderedFiles } from '../../provisioning/files/rendered-files';
import type { PhoneConfigContext, ProvisioningVendor } from '../../provisioning/vendors/vendor';
import { tempDir } from '../support/test-app';
import { createExtension, grandstreamValues, phoneCredentials, phoneGet, phoneGetChallenged, secretPath, sipPassword, startProvisioningApp, type ProvisioningApp } from './provisioning-harness';

const MAC = 'c074ad0000c1';

/**
 * Configuration files are kept between fetches (loaded phones, rendered files): every change of
 * what a file is made of must reach the phone's next fetch.
 */
describe('Provisioning files kept between fetches', () => {
  let app: ProvisioningApp;
  let extension: { id: number };
  let deviceId: number;
  let site: string;

  /** The phone's file as the phone fetches it on the secret path, answering the challenge with its config-server credentials. */
  async function phoneFile(): Promise<{ body: Buffer; values: Map<string, string> }> {
    const res = await phoneGetChallenged(app.t.url, `${site}/cfg${MAC}.xml`, await phoneCredentials(app.admin, deviceId));
    expect(res.status).to.equal(200);
    return { body: res.body, values: grandstreamValues(res.body) };
  }

  before(async () => {
    app = await startProvisioningApp();
    extension = await createExtension(app.admin, '401', 'Accueil');
    const device = await app.admin.post('/api/provisioning/devices', { mac: MAC, model: 'GRP2614', extensionIds: [extension.id] });
    expect(device.status, device.text).to.equal(201);
    deviceId = device.body.id;
    site = await secretPath(app.admin);
    // The phone claims its configuration with its first fetch on the secret path, as on its first boot.
    expect((await phoneGet(app.t.url, `${site}/cfg${MAC}.xml`)).status).to.equal(200);
  });
  after(() => app.t.stop());

  it('serves an unchanged phone again without reading the database or running the templates', async () => {
    // The first fetch with credentials records that the phone has them (a change): the second is the phone as it stays.
    await phoneFile();
    const first = await phoneFile();
    const vendor = app.t.app.cradle.provisioningVendors.get('grandstream')!;
    const renders = sinon.spy(vendor, 'renderConfig');
    const queries = sinon.spy(app.t.app.cradle.sequelize, 'query');
    try {
      const again = await phoneFile();
      expect(again.body.equals(first.body)).to.equal(true);
      expect(renders.callCount).to.equal(0);
      expect(queries.getCalls().filter((c) => String(c.args[0]).includes('FROM provisioning_devices d'))).to.have.length(0);
    } finally {
      renders.restore();
      queries.restore();
    }
  });

  it("follows a change of the phone's own settings", async () => {
    await phoneFile();
    const res = await app.admin.patch(`/api/provisioning/devices/${deviceId}`, { language: 'de', extraValues: { P8888: 'device' } });
    expect(res.status, res.text).to.equal(200);
    const { values } = await phoneFile();
    expect(values.get('P1362')).to.equal('de');
    expect(values.get('P8888')).to.equal('device');
  });

  it("follows a change of the extension on the phone's account", async () => {
    await phoneFile();
    const res = await app.admin.patch(`/api/telephony/extensions/${extension.id}`, { name: 'Standard' });
    expect(res.status, res.text).to.equal(200);
    expect((await phoneFile()).values.get('P3')).to.equal('Standard');
  });

  it('follows a new SIP password', async () => {
    const before = (await phoneFile()).values.get('P34');
    const res = await app.admin.post(`/api/telephony/extensions/${extension.id}/sip-secret/regenerate`);
    expect(res.status, res.text).to.equal(200);
    const password = await sipPassword(app.admin, extension.id);
    expect(password).not.to.equal(before);
    expect((await phoneFile()).values.get('P34')).to.equal(password);
  });

  it("follows the model's override and the SIP port setting", async () => {
    await phoneFile();
    const override = await app.admin.request('PUT', '/api/provisioning/models/grandstream/GRP2614/override', { extraValues: { P9999: 'model' } });
    expect(override.status, override.text).to.equal(200);
    expect((await phoneFile()).values.get('P9999')).to.equal('model');
    const settings = await app.admin.patch('/api/telephony/settings', { transports: { udpPort: 5070 } });
    expect(settings.status, settings.text).to.equal(200);
    expect((await phoneFile()).values.get('P47')).to.equal('127.0.0.1:5070');
  });

  it('follows a reset (new admin password and config-server credentials) and a dissociation', async () => {
    const before = (await phoneFile()).values;
    expect((await app.admin.post(`/api/provisioning/devices/${deviceId}/reset`)).status).to.equal(200);
    const { body: secrets } = await app.admin.post(`/api/provisioning/devices/${deviceId}/secrets/reveal`);
    const after = (await phoneFile()).values;
    expect(after.get('P2')).to.equal(secrets.adminPassword).and.not.to.equal(before.get('P2'));
    expect(after.get('P1361')).to.equal(secrets.httpPassword).and.not.to.equal(before.get('P1361'));
    expect((await app.admin.post(`/api/provisioning/devices/${deviceId}/dissociate`)).status).to.equal(200);
    const dissociated = grandstreamValues((await phoneGet(app.t.url, `cfg${MAC}.xml`)).body);
    expect(dissociated.get('P271')).to.equal('0');
    expect(dissociated.get('P34')).to.equal('');
  });
});

describe('Provisioning file caches', () => {
  it('renders again for another vendor object (its templates) or any other context, and not otherwise', () => {
    const rendering = (label: string) => ({ renderConfig: sinon.spy((c: PhoneConfigContext) => `${label}:${c.device.label}`) }) as unknown as ProvisioningVendor & { renderConfig: sinon.SinonSpy };
    const files = new RenderedFiles();
    const context = { mac: 'c074ad000001', device: { label: 'A' } } as PhoneConfigContext;
    const first = rendering('v1');
    expect(files.render(first, context).toString()).to.equal('v1:A');
    expect(files.render(first, { ...context }).toString()).to.equal('v1:A');
    expect(first.renderConfig.callCount).to.equal(1);
    expect(files.render(first, { ...context, device: { label: 'B' } } as PhoneConfigContext).toString()).to.equal('v1:B');
    const second = rendering('v2');
    expect(files.render(second, { ...context, device: { label: 'B' } } as PhoneConfigContext).toString()).to.equal('v2:B');
  });

  describe('loaded phones', () => {
    class Row extends Model {
      declare id: number;
      declare label: string;
    }
    let sequelize: Sequelize;
    let revision: ModelRevision;

    before(async () => {
      sequelize = new Sequelize({ dialect: 'sqlite', storage: path.join(tempDir('carillon-file-cache-'), 'rows.sqlite'), logging: false });
      Row.init({ id: { type: DataTypes.INTEGER, primaryKey: true }, label: DataTypes.STRING }, { sequelize, tableName: 'rows' });
      await sequelize.sync();
      revision = new ModelRevision(sequelize, [Row]);
    });
    after(() => sequelize.close());

    const reader = () => {
      const loadMany = sinon.spy(async (macs: string[]) => {
        const rows = await Row.findAll();
        return new Map(macs.map((mac) => [mac, rows.map((r) => r.label).join(',')]));
      });
      return { cache: new LoadedDeviceCache<string>(revision, loadMany), loadMany };
    };

    it('reads the phones that ask together in one load, and keeps them until a watched row is written', async () => {
      const { cache, loadMany } = reader();
      await Row.create({ id: 1, label: 'a' });
      expect(await Promise.all([cache.get('m1'), cache.get('m2'), cache.get('m1')])).to.deep.equal(['a', 'a', 'a']);
      expect(loadMany.callCount).to.equal(1);
      expect(loadMany.firstCall.args[0]).to.have.members(['m1', 'm2']);
      expect(await cache.get('m1')).to.equal('a');
      expect(loadMany.callCount).to.equal(1);
      await Row.update({ label: 'b' }, { where: { id: 1 } });
      expect(await cache.get('m1')).to.equal('b');
      await Row.destroy({ where: { id: 1 } });
      expect(await cache.get('m1')).to.equal('');
    });

    it('does not keep a copy loaded while a change was being committed', async () => {
      const { cache } = reader();
      await Row.create({ id: 2, label: 'old' });
      expect(await cache.get('m3')).to.equal('old');
      const transaction = await sequelize.transaction();
      await Row.update({ label: 'new' }, { where: { id: 2 }, transaction });
      // Loaded before the commit: a reader outside the transaction still sees the old row.
      expect(await cache.get('m3')).to.equal('old');
      await transaction.commit();
      expect(await cache.get('m3')).to.equal('new');
    });
  });
});
