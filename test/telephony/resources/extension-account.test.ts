import { expect } from 'chai';
import jsQR from 'jsqr';
import { grandstreamWaveXml } from '../../../core/telephony/resources/softphone-account';
import type { ApiClient } from '../../support/api-client';
import type { TestApp } from '../../support/test-app';
import { API, clientWithRole, createExtension, ok, startResourcesApp } from './resources-app';

// pngjs (qrcode's own PNG codec) ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PNG } = require('pngjs') as { PNG: { sync: { read(data: Buffer): { width: number; height: number; data: Buffer } } } };

/** Reads a QR code from a PNG data URL, as a phone's camera would from the screen. */
function decodeQr(dataUrl: string): string {
  expect(dataUrl).to.match(/^data:image\/png;base64,/);
  const png = PNG.sync.read(Buffer.from(dataUrl.split(',')[1], 'base64'));
  const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  expect(code, 'a readable QR code').to.not.equal(null);
  return code!.data;
}

/** The fields of Grandstream Wave's AccountConfig XML, unescaped. */
function waveFields(xml: string): Record<string, string> {
  expect(xml).to.match(/^<\?xml version="1.0" encoding="utf-8"\?><AccountConfig version="1"><Account>.*<\/Account><\/AccountConfig>$/);
  const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  return Object.fromEntries([...xml.matchAll(/<(\w+)>([^<]*)<\/\1>/g)].map((m) => [m[1], unescape(m[2])]));
}

describe("Extension credentials for a phone or softphone, with a QR code", () => {
  let t: TestApp;
  let admin: ApiClient;
  before(async () => {
    ({ t, admin } = await startResourcesApp());
  });
  after(() => t.stop());

  it('gives server, port, transport, user, password, and a QR code Grandstream Wave reads with the same fields', async () => {
    const ext = await createExtension(admin, '410', { name: 'Accueil & standard <RDC>' });
    const revealed = ok(await admin.post(`${API}/extensions/${ext.id}/sip-secret/reveal`));
    const { account } = revealed;
    // No external address, no provisioning host: the address the admin reached Carillon at.
    expect(account).to.deep.include({ server: '127.0.0.1', port: 5060, transport: 'udp', tcpPort: 5060, username: '410', authUsername: '410', password: revealed.sipPassword, displayName: '410 Accueil & standard <RDC>' });
    expect(account.qr.format).to.equal('grandstream-wave');
    expect(account.qr.apps).to.deep.equal(['Grandstream Wave']);
    const scanned = decodeQr(account.qr.png);
    expect(scanned).to.equal(account.qr.payload);
    expect(waveFields(scanned)).to.deep.equal({
      RegisterServer: '127.0.0.1',
      UserID: '410',
      AuthID: '410',
      AuthPass: revealed.sipPassword,
      AccountName: '410 Accueil & standard <RDC>',
      DisplayName: '410 Accueil & standard <RDC>',
    });
  });

  it('uses the external address and SIP port of the SIP settings, port in the register server when not 5060', async () => {
    ok(await admin.patch(`${API}/settings`, { transports: { udpPort: 5070, externalAddress: 'pbx.example.com' } }));
    try {
      const ext = await createExtension(admin, '411');
      const { account } = ok(await admin.post(`${API}/extensions/${ext.id}/sip-secret/reveal`));
      expect(account).to.deep.include({ server: 'pbx.example.com', port: 5070 });
      expect(waveFields(decodeQr(account.qr.png)).RegisterServer).to.equal('pbx.example.com:5070');
    } finally {
      ok(await admin.patch(`${API}/settings`, { transports: { udpPort: 5060, externalAddress: null } }));
    }
  });

  it('never gives the account (nor its QR code) without telephony.secrets, and audits each reveal', async () => {
    const ext = await createExtension(admin, '412');
    const manager = await clientWithRole(t, admin, 'manager');
    const refused = await manager.post(`${API}/extensions/${ext.id}/sip-secret/reveal`);
    expect(refused.status).to.equal(403);
    expect(refused.text).not.to.include('AccountConfig');
    expect(JSON.stringify(ok(await manager.get(`${API}/extensions/${ext.id}`)))).not.to.match(/password|AccountConfig/i);
    const audit = ok(await admin.get('/api/audit?limit=100'));
    const reveals = audit.items.filter((e: { action: string; path: string }) => e.action === 'telephony.extensions.revealSecret' && e.path === `${API}/extensions/${ext.id}/sip-secret/reveal`);
    expect(reveals.map((e: { status: number }) => e.status)).to.deep.equal([403]);
    expect(JSON.stringify(audit)).not.to.include('AccountConfig');
  });

  it('escapes what XML would misread and drops what it cannot carry', () => {
    const xml = grandstreamWaveXml({ server: 'pbx', port: 5060, transport: 'udp', tcpPort: 5060, username: 'u', authUsername: 'u', password: `a<b>&"'\u0001c`, displayName: 'x' });
    expect(xml).to.include('<AuthPass>a&lt;b&gt;&amp;&quot;&apos;c</AuthPass>');
  });
});
