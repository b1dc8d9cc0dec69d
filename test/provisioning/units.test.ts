import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import pino from 'pino';
import { create } from 'xmlbuilder2';
import { posixTimeZone } from '../../provisioning/devices/posix-time-zone';
import { checkKeys } from '../../provisioning/devices/key-rules';
import { localAddressFor } from '../../provisioning/files/server-address';
import { notModified } from '../../provisioning/http/file-routes';
import { formatMac, parseMac } from '../../provisioning/mac';
import { BanList } from '../../provisioning/security/ban-list';
import { HttpAuth, parseAuthorization } from '../../provisioning/security/http-auth';
import { NetworkPolicy } from '../../provisioning/security/network-policy';
import { grandstreamModel } from '../../provisioning/vendors/grandstream/capabilities';
import { detectGrandstream, grandstreamConfigFileMac } from '../../provisioning/vendors/grandstream/detection';
import { grandstreamVendor, GRANDSTREAM_TEMPLATES } from '../../provisioning/vendors/grandstream';
import { TemplateSet } from '../../provisioning/vendors/template-set';
import type { PhoneConfigContext } from '../../provisioning/vendors/vendor';
import { tempDir } from '../support/test-app';
import { digestAuthorization, grandstreamValues } from './provisioning-harness';

const silent = pino({ level: 'silent' });

function context(overrides: Partial<PhoneConfigContext> = {}): PhoneConfigContext {
  return {
    mac: 'c074ad000001',
    capabilities: grandstreamModel('GRP2614'),
    withSecrets: true,
    scope: 'full',
    server: { httpHost: '192.0.2.1:8080', configPath: '192.0.2.1:8080/provisioning', firmwarePath: '192.0.2.1:8080/provisioning/firmware', phonebookPath: '192.0.2.1:8080/provisioning/phonebook/c074ad000001', sipHost: '192.0.2.1', sipPort: 5060, ntpServer: 'pool.ntp.org' },
    device: { label: '', language: 'auto', posixTimeZone: null, vlan: null, expansionModules: 0, audio: { handsetMicGainDb: 0, headsetMicGainDb: 0 }, adminPassword: 'Adm1n', httpCredentials: { username: 'phone-x', password: 'pw' } },
    accounts: [{ index: 1, number: '201', name: 'Accueil', label: 'Accueil', userId: '201', authId: '201', password: 's3cret' }],
    keys: [],
    phonebookIntervalMinutes: 0,
    extraValues: {},
    ...overrides,
  };
}

describe('Provisioning building blocks', () => {
  it('reads MAC addresses in the forms people and phones write them', () => {
    expect(['C0:74:AD:12:34:56', 'c0-74-ad-12-34-56', 'c074ad123456'].map(parseMac)).to.deep.equal(['c074ad123456', 'c074ad123456', 'c074ad123456']);
    expect(['c0:74-ad:12:34:56', 'c074ad12345', '000000000000', 'ff:ff:ff:ff:ff:ff', 'g074ad123456'].map(parseMac)).to.deep.equal([null, null, null, null, null]);
    expect(formatMac('c074ad123456')).to.equal('c0:74:ad:12:34:56');
  });

  it('detects Grandstream phones from both User-Agent forms and their file names', () => {
    expect(detectGrandstream('Grandstream Model HW GRP2612W SW 1.0.11.2 DevId ec74d7aabbcc')).to.deep.equal({ model: 'GRP2612W', firmware: '1.0.11.2', mac: 'ec74d7aabbcc' });
    expect(detectGrandstream('Grandstream GRP2614 1.0.5.67')).to.deep.equal({ model: 'GRP2614', firmware: '1.0.5.67', mac: null });
    expect(detectGrandstream('Yealink SIP-T46S 66.86.0.15')).to.equal(null);
    expect(grandstreamModel('GRP2612W')?.model).to.equal('GRP2612');
    expect(['cfgC074AD123456.xml', 'cfgc074ad123456', 'cfg.xml', 'c074ad123456.cfg'].map(grandstreamConfigFileMac)).to.deep.equal(['c074ad123456', 'c074ad123456', null, null]);
  });

  it("turns IANA zones into the POSIX rule phones take, from the system's zone files or a fixed offset", () => {
    expect(posixTimeZone('Europe/Paris')).to.equal('CET-1CEST,M3.5.0,M10.5.0/3');
    expect(posixTimeZone('America/New_York')).to.equal('EST5EDT,M3.2.0,M11.1.0');
    const empty = tempDir('carillon-zoneinfo-');
    expect(posixTimeZone('Asia/Kolkata', empty)).to.equal('<+0530>-5:30');
    expect(posixTimeZone('Europe/Paris', empty)).to.equal(null);
    expect(posixTimeZone('../../etc/passwd')).to.equal(null);
  });

  it('checks networks in CIDR form, IPv4-mapped addresses included', () => {
    const policy = new NetworkPolicy(['192.168.0.0/16', 'fc00::/7']);
    expect(['192.168.1.20', '::ffff:192.168.1.20', 'fd00::1', '10.0.0.1', '::1', 'garbage'].map((ip) => policy.allows(ip))).to.deep.equal([true, true, true, false, false, false]);
  });

  it('verifies HTTP Digest (MD5, qop=auth) with nonces that answer one request, for one URI, for a while; never Basic', () => {
    let now = 1_700_000_000_000;
    const auth = new HttpAuth(() => now);
    const uri = '/provisioning/cfgc074ad000001.xml';
    const expected = { username: 'phone-abc', password: 'p4ss' };
    const answer = (password: string, answeredUri = uri, challenge = auth.challenge(uri)) => parseAuthorization(digestAuthorization(challenge, 'phone-abc', password, answeredUri));
    expect(auth.challenge(uri)).to.match(/^Digest realm="Carillon provisioning", qop="auth", algorithm=MD5, nonce="[A-Za-z0-9_-]{24}"$/);

    const good = answer('p4ss');
    expect(auth.verify(good, expected, 'GET', uri)).to.equal('ok');
    // The same answer again (a replay seen on the wire): the nonce is used up.
    expect(auth.verify(good, expected, 'GET', uri)).to.equal('stale');
    expect(auth.challenge(uri, true)).to.match(/, stale=true$/);
    expect(auth.verify(answer('p4ss'), expected, 'POST', uri)).to.equal('bad');
    expect(auth.verify(answer('nope'), expected, 'GET', uri)).to.equal('bad');
    // Answered for another file, or presented on another file than the one it was computed for.
    expect(auth.verify(answer('p4ss', '/provisioning/phonebook/c074ad000001.xml'), expected, 'GET', uri)).to.equal('bad');
    const forPhonebook = answer('p4ss', '/provisioning/phonebook/c074ad000001.xml', auth.challenge('/provisioning/phonebook/c074ad000001.xml'));
    expect(auth.verify(forPhonebook, expected, 'GET', uri)).to.equal('bad');
    // A nonce issued for the phonebook does not open the configuration, even answered for it.
    expect(auth.verify(answer('p4ss', uri, auth.challenge('/provisioning/phonebook/c074ad000001.xml')), expected, 'GET', uri)).to.equal('stale');
    // Forged and expired nonces.
    expect(auth.verify(answer('p4ss', uri, 'Digest realm="Carillon provisioning", nonce="forged"'), expected, 'GET', uri)).to.equal('stale');
    const late = answer('p4ss');
    now += 10 * 60_000;
    expect(auth.verify(late, expected, 'GET', uri), 'expired nonce').to.equal('stale');
    // Outstanding challenges are bounded: a flood of unauthenticated requests evicts the oldest.
    const first = auth.challenge(uri);
    for (let i = 0; i < 10_000; i++) auth.challenge(uri);
    expect(auth.verify(answer('p4ss', uri, first), expected, 'GET', uri), 'evicted').to.equal('stale');
    expect(auth.verify(answer('p4ss'), expected, 'GET', uri)).to.equal('ok');
    expect(parseAuthorization(`Basic ${Buffer.from('phone-abc:p4ss').toString('base64')}`)).to.equal(null);
    expect(parseAuthorization('Bearer x')).to.equal(null);
  });

  it('bans after the threshold of distinct subjects within the window, for the ban duration, and keeps bans in its store', async () => {
    let now = 0;
    const saved = new Map<string, Date>();
    const store = {
      load: async () => [...saved].map(([ip, until]) => ({ ip, until })),
      save: async (ip: string, _reason: string, until: Date) => void saved.set(ip, until),
      list: async () => [...saved].map(([address, until]) => ({ address, reason: 'unknown_mac' as const, bannedAt: new Date(0).toISOString(), expiresAt: until.toISOString() })),
      remove: async (ip: string) => void saved.delete(ip),
    };
    const bans = new BanList({ threshold: 3, windowSeconds: 10, durationSeconds: 60 }, silent, store, () => now);
    expect([await bans.strike('192.0.2.7', 'unknown_mac', 'a'), await bans.strike('192.0.2.7', 'unknown_mac', 'a'), await bans.strike('192.0.2.7', 'unknown_mac', 'b')]).to.deep.equal([false, false, false]);
    now = 11_000;
    // The first strikes left the window: this is the first of a new count.
    expect(await bans.strike('192.0.2.7', 'unknown_mac', 'c')).to.equal(false);
    expect(await bans.strike('192.0.2.7', 'unknown_mac', 'd')).to.equal(false);
    expect(await bans.strike('192.0.2.7', 'bad_path', 'e')).to.equal(true);
    expect(bans.isBanned('192.0.2.7')).to.equal(true);
    expect(bans.isBanned('192.0.2.8')).to.equal(false);
    expect(saved.get('192.0.2.7')?.getTime()).to.equal(71_000);
    // A new list over the same store (a restart) holds the ban.
    const restarted = new BanList({ threshold: 3, windowSeconds: 10, durationSeconds: 60 }, silent, store, () => now);
    await restarted.load();
    expect(restarted.isBanned('192.0.2.7')).to.equal(true);
    now += 61_000;
    expect(bans.isBanned('192.0.2.7')).to.equal(false);
    expect(restarted.isBanned('192.0.2.7')).to.equal(false);
  });

  it('lifts a ban at an administrator\'s request: memory and store, strikes forgotten', async () => {
    const now = 0;
    const saved = new Map<string, Date>();
    const store = {
      load: async () => [...saved].map(([ip, until]) => ({ ip, until })),
      save: async (ip: string, _reason: string, until: Date) => void saved.set(ip, until),
      list: async () => [...saved].map(([address, until]) => ({ address, reason: 'unknown_mac' as const, bannedAt: new Date(0).toISOString(), expiresAt: until.toISOString() })),
      remove: async (ip: string) => void saved.delete(ip),
    };
    const bans = new BanList({ threshold: 2, windowSeconds: 10, durationSeconds: 60 }, silent, store, () => now);
    await bans.strike('192.0.2.7', 'unknown_mac', 'a');
    expect(await bans.strike('192.0.2.7', 'unknown_mac', 'b')).to.equal(true);
    expect((await bans.list()).map((b) => b.address)).to.deep.equal(['192.0.2.7']);
    expect(await bans.lift('192.0.2.7')).to.equal(true);
    expect(bans.isBanned('192.0.2.7')).to.equal(false);
    expect(await bans.list()).to.deep.equal([]);
    expect(await bans.strike('192.0.2.7', 'unknown_mac', 'c'), 'counting starts again').to.equal(false);
    expect(await bans.lift('192.0.2.99')).to.equal(false);
  });

  it('looks templates up as model, then family, then base', () => {
    const root = tempDir('carillon-templates-');
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    write('base/main.hbs', '[{{> part}}|{{> other}}]');
    write('base/part.hbs', 'base-part');
    write('base/other.hbs', 'base-other');
    write('families/grp261x/part.hbs', 'family-part');
    write('models/grp2614/other.hbs', 'model-other {{name}}');
    const set = new TemplateSet(root, 'main');
    expect(set.render({ name: '<x>' }, { model: 'GRP2614', family: 'grp261x' })).to.equal('[family-part|model-other &lt;x&gt;]');
    expect(set.render({ name: 'x' }, { model: 'GRP2612', family: 'grp261x' })).to.equal('[family-part|base-other]');
    expect(set.render({ name: 'x' }, { model: null, family: null })).to.equal('[base-part|base-other]');
    expect(() => set.render({}, { model: 'GRP2614', family: null }), 'strict: a missing field fails').to.throw();
  });

  it('writes Grandstream XML that parses whatever the values hold, control characters dropped', () => {
    const vendor = grandstreamVendor(GRANDSTREAM_TEMPLATES);
    const nasty = 'A & B <c> "d" \'e\' `f` =g \u0001\u0008 --> ]]>';
    const xml = vendor.renderConfig(
      context({
        accounts: [{ index: 1, number: '201 --', name: nasty, label: nasty, userId: '201', authId: '201', password: 'x&y<z' }],
        keys: [{ where: 'phone', module: null, index: 9, type: 'blf', value: '202', label: nasty, account: 1 }],
        extraValues: { P1376: nasty, 'pks.vpk.settings.mode': nasty },
      }),
    );
    expect(() => create(xml)).not.to.throw();
    const values = grandstreamValues(xml);
    const clean = 'A & B <c> "d" \'e\' `f` =g  --> ]]>';
    expect([values.get('P3'), values.get('P34'), values.get('P23810'), values.get('P1376'), values.get('pks.vpk.settings.mode')]).to.deep.equal([clean, 'x&y<z', clean, clean, clean]);
    expect([values.get('P23808'), values.get('P23809'), values.get('P23811')]).to.deep.equal(['blf', '0', '202']);
  });

  it('writes accounts past 6 and keys past 48 with the firmware aliases', () => {
    const vendor = grandstreamVendor();
    const xml = vendor.renderConfig(
      context({
        capabilities: grandstreamModel('GRP2670'),
        accounts: [{ index: 7, number: '207', name: 'Sept', label: 'Sept', userId: '207', authId: '207', password: 'pw7' }],
        keys: [{ where: 'phone', module: null, index: 60, type: 'speed_dial', value: '0600000000', label: 'Mobile', account: 7 }],
      }),
    );
    const values = grandstreamValues(xml);
    expect([values.get('P271'), values.get('account.7.enable'), values.get('account.7.sip.subscriber.password'), values.get('account.12.enable')]).to.deep.equal(['0', 'Yes', 'pw7', 'No']);
    expect([values.get('pks.vpk.60.keyMode'), values.get('pks.vpk.60.account'), values.get('pks.vpk.60.value')]).to.deep.equal(['speeddial', 'Account7', '0600000000']);
  });

  it("checks keys against the phone's model", () => {
    const grp2612 = grandstreamModel('GRP2612')!;
    const errors = checkKeys(
      [
        { where: 'phone', module: null, index: 16, type: 'blf', value: '201', label: '', account: 1 },
        { where: 'phone', module: null, index: 16, type: 'speed_dial', value: '202', label: '', account: 1 },
        { where: 'phone', module: null, index: 17, type: 'line', value: 'x', label: '', account: 3 },
        { where: 'module', module: 1, index: 1, type: 'blf', value: '201', label: '', account: 1 },
      ],
      grp2612,
      0,
      2,
    );
    expect(errors.map((e) => `${e.field}:${e.code}`)).to.deep.equal([
      'body.keys.1.index:duplicate_key',
      'body.keys.2.index:no_such_key',
      'body.keys.2.account:no_such_account',
      'body.keys.2.value:not_applicable',
      'body.keys.3.module:no_such_module',
      'body.keys.3.index:no_such_key',
    ]);
  });

  it('points a TFTP phone to the address of the interface on its network', () => {
    const interfaces = {
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
      eth0: [{ address: '192.168.10.2', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '192.168.10.2/24' }],
      eth1: [{ address: '10.20.0.2', netmask: '255.255.0.0', family: 'IPv4', mac: '02:00:00:00:00:02', internal: false, cidr: '10.20.0.2/16' }],
    } as unknown as NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>;
    expect(localAddressFor('10.20.3.4', interfaces)).to.equal('10.20.0.2');
    expect(localAddressFor('192.168.10.50', interfaces)).to.equal('192.168.10.2');
    expect(localAddressFor('127.0.0.1', interfaces)).to.equal('127.0.0.1');
    expect(localAddressFor('172.16.0.9', interfaces)).to.equal('192.168.10.2');
  });

  it('answers conditional GETs as the origin: ETag first, then the date', () => {
    const when = new Date('2026-01-02T03:04:05Z');
    expect(notModified('"a", "b"', '', '"b"', when)).to.equal(true);
    expect(notModified('W/"b"', '', '"b"', when)).to.equal(true);
    expect(notModified('"c"', when.toUTCString(), '"b"', when)).to.equal(false);
    expect(notModified('', when.toUTCString(), '"b"', when)).to.equal(true);
    expect(notModified('', new Date(when.getTime() - 1000).toUTCString(), '"b"', when)).to.equal(false);
  });
});
