import { expect } from 'chai';
import { ConfigRenderer } from '../../../core/telephony/config/renderer';
import type { ApiClient } from '../../support/api-client';
import type { TestApp } from '../../support/test-app';
import { API, createExtension, fieldErrors, ok, startResourcesApp } from './resources-app';

/**
 * Codec preference: the order an admin gives is stored as given and becomes the order of the
 * generated `allow=` line (Asterisk offers the codecs in that order), for extensions (and their
 * WebRTC twin) and for both kinds of trunk.
 */
describe('Telephony resources: codec preference order', () => {
  let t: TestApp;
  let admin: ApiClient;
  before(async () => {
    ({ t, admin } = await startResourcesApp());
  });
  after(() => t.stop());

  /** The `allow=` lines of the section named `name` in a rendered file. */
  async function allowOf(file: string, section: string): Promise<string[]> {
    const files = new ConfigRenderer().render(await t.app.cradle.telephonyConfigSource.snapshot(), { recordingsSpool: '/tmp/spool' });
    const content = files.find((f) => f.name === file)!.content;
    const start = content.indexOf(`[${section}]`);
    expect(start, `section [${section}] in ${file}`).to.be.greaterThan(-1);
    const end = content.indexOf('\n[', start + 1);
    return content.slice(start, end === -1 ? undefined : end).split('\n').filter((line) => line.startsWith('allow=')).map((line) => line.slice('allow='.length));
  }

  it('keeps an extension’s order through a reorder, in its endpoint and its WebRTC endpoint', async () => {
    const ext = await createExtension(admin, '301', { codecs: ['opus', 'g722', 'alaw'], webrtc: true });
    expect(ext.codecs).to.deep.equal(['opus', 'g722', 'alaw']);
    expect(await allowOf('pjsip-extensions.conf', '301')).to.deep.equal(['opus,g722,alaw']);
    expect(await allowOf('pjsip-extensions.conf', '301-webrtc')).to.deep.equal(['opus,g722,alaw']);
    const moved = ok(await admin.patch(`${API}/extensions/${ext.id}`, { codecs: ['alaw', 'opus', 'g722'] }));
    expect(moved.codecs).to.deep.equal(['alaw', 'opus', 'g722']);
    expect(ok(await admin.get(`${API}/extensions/${ext.id}`)).codecs).to.deep.equal(['alaw', 'opus', 'g722']);
    expect(await allowOf('pjsip-extensions.conf', '301')).to.deep.equal(['alaw,opus,g722']);
  });

  it('keeps a trunk’s order, operator and peer alike', async () => {
    const operator = ok(await admin.post(`${API}/trunks`, { kind: 'operator', name: 'Op', host: 'sip.example.net', username: 'u1', password: 'p-secret-1', codecs: ['ulaw', 'alaw'] }), 201);
    const peer = ok(await admin.post(`${API}/trunks`, { kind: 'peer', name: 'Peer', codecs: ['g722', 'ulaw', 'alaw'] }), 201);
    expect(await allowOf('pjsip-trunks.conf', `trunk-${operator.id}`)).to.deep.equal(['ulaw,alaw']);
    ok(await admin.patch(`${API}/trunks/${operator.id}`, { codecs: ['alaw', 'ulaw'] }));
    expect(await allowOf('pjsip-trunks.conf', `trunk-${operator.id}`)).to.deep.equal(['alaw,ulaw']);
    expect((await allowOf('pjsip-trunks.conf', peer.username))).to.deep.equal(['g722,ulaw,alaw']);
  });

  it('drops a codec given twice at its first place, and refuses an empty or unknown list by field', async () => {
    const ext = await createExtension(admin, '302', { codecs: ['g722', 'alaw', 'g722'] });
    expect(ext.codecs).to.deep.equal(['g722', 'alaw']);
    expect(fieldErrors(await admin.patch(`${API}/extensions/${ext.id}`, { codecs: [] }))).to.have.property('body.codecs');
    expect(fieldErrors(await admin.patch(`${API}/extensions/${ext.id}`, { codecs: ['alaw', 'speex'] }))).to.have.property('body.codecs.1');
  });
});
