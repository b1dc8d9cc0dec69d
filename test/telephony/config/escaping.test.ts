import { expect } from 'chai';
import { ConfigValueError } from '../../../core/telephony/config/conf-values';
import { ConfigRenderer } from '../../../core/telephony/config/renderer';
import type { TelephonyConfigSnapshot } from '../../../core/telephony/config/snapshot';
import { representativeSnapshot } from './representative-snapshot';

const renderer = new ConfigRenderer();
const render = (snapshot: TelephonyConfigSnapshot) => renderer.render(snapshot, { recordingsSpool: '/var/lib/carillon/recordings-spool' });
const file = (snapshot: TelephonyConfigSnapshot, name: string) => render(snapshot).find((f) => f.name === name)!.content;

function refused(change: (s: TelephonyConfigSnapshot) => void): ConfigValueError {
  const snapshot = representativeSnapshot();
  change(snapshot);
  try {
    render(snapshot);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigValueError);
    return err as ConfigValueError;
  }
  throw new Error('the snapshot was accepted');
}

describe('Asterisk configuration: values that could inject configuration', () => {
  it('refuses a line break in a name, which would start a new setting', () => {
    const err = refused((s) => (s.extensions[0].name = 'Alice\n[evil]\ntype=endpoint'));
    expect(err.field).to.equal('extensions[0].name');
    expect(refused((s) => (s.trunks[0].name = 'OVH\r\ncontext=admin')).field).to.equal('trunks[0].name');
    expect(refused((s) => (s.ringGroups[0].name = 'Sales\nexten => 999,1,System(rm -rf /)')).field).to.equal('ringGroups[0].name');
  });

  it('drops from names what would end a caller ID or start a comment, and never puts names in dialplan applications', () => {
    const snapshot = representativeSnapshot();
    snapshot.extensions[0].name = 'Alice "boss"; ${SHELL(id)} <x>';
    const pjsip = file(snapshot, 'pjsip-extensions.conf');
    expect(pjsip).to.include('callerid="Alice boss {SHELL(id)} x" <201>');
    const dialplan = file(snapshot, 'extensions-carillon.conf');
    // The name appears only in comments, where nothing is evaluated.
    for (const line of dialplan.split('\n').filter((l) => l.includes('SHELL'))) expect(line.startsWith(';')).to.equal(true, line);
  });

  it('refuses identifiers outside their strict form', () => {
    expect(refused((s) => (s.extensions[1].sipUsername = 'bruno;x')).field).to.equal('extensions[1].sipUsername');
    expect(refused((s) => (s.extensions[1].sipUsername = 'trunk-1')).field).to.equal('extensions[1].sipUsername');
    expect(refused((s) => (s.extensions[1].number = '202,1,Hangup')).field).to.equal('extensions[1].number');
    expect(refused((s) => (s.inboundRoutes[1].did = '+3312,n,System(x)')).field).to.equal('inboundRoutes[1].did');
    expect(refused((s) => (s.inboundRoutes[3].callerPattern = '_X./_0.')).field).to.equal('inboundRoutes[3].callerPattern');
    expect(refused((s) => (s.outboundRoutes[0].patterns = ['_00.,1,Dial(x)'])).field).to.equal('outboundRoutes[0].patterns[0]');
    expect(refused((s) => (s.outboundRoutes[0].patterns = ['_0[1-9'])).field).to.equal('outboundRoutes[0].patterns[0]');
    expect(refused((s) => (s.outboundRoutes[1].prepend = '+33;')).field).to.equal('outboundRoutes[1].prepend');
    expect(refused((s) => (s.restrictionClasses[0].deniedPatterns = ['_089X)'])).field).to.equal('restrictionClasses[0].deniedPatterns[0]');
    expect(refused((s) => (s.extensions[0].outboundCallerId = '0123)(Set(x=1')).field).to.equal('extensions[0].outboundCallerId');
    expect(refused((s) => (s.extensions[1].forwarding.noAnswer = '06${EVIL}')).field).to.equal('extensions[1].forwarding.noAnswer');
    expect(refused((s) => (s.inboundRoutes[2].destination = { type: 'application', route: 'cb', args: ['a,b'] })).field).to.equal('inboundRoutes[2].destination.args[0]');
    expect(refused((s) => (s.trunks[0] = { ...(s.trunks[0] as Extract<typeof s.trunks[0], { kind: 'operator' }>), host: 'sip.example.net\nmatch=0.0.0.0/0' })).field).to.equal('trunks[0].host');
    expect(refused((s) => (s.trunks[2] = { ...(s.trunks[2] as Extract<typeof s.trunks[2], { kind: 'peer' }>), allowedAddresses: ['0.0.0.0/0;x'] })).field).to.equal('trunks[2].allowedAddresses[0]');
    expect(refused((s) => (s.extensions[0].voicemail.email = 'a@b.c,|attach=no')).field).to.equal('extensions[0].voicemail.email');
    expect(refused((s) => (s.schedules[0].timeZone = 'Europe/Paris,*?x')).field).to.equal('schedules[0].timeZone');
    expect(refused((s) => (s.schedules[0].timeZone = 'Mars/Olympus_Mons')).field).to.equal('schedules[0].timeZone');
    expect(refused((s) => (s.schedules[0].holidays = ['2026-02-30'])).field).to.equal('schedules[0].holidays[0]');
    expect(refused((s) => (s.schedules[0].weekly[0].close = '08:00')).field).to.equal('schedules[0].weekly[0]');
  });

  it('refuses a line break in a password and escapes its semicolons', () => {
    expect(refused((s) => (s.extensions[0].sipPassword = 'abc\ncontext=admin')).field).to.equal('extensions[0].sipPassword');
    expect(refused((s) => (s.trunks[0] = { ...(s.trunks[0] as Extract<typeof s.trunks[0], { kind: 'operator' }>), password: ' padded' })).field).to.equal('trunks[0].password');
    expect(file(representativeSnapshot(), 'pjsip-extensions.conf')).to.include('password=Zx8\\;kP2q#vL9');
  });

  it('refuses references to things that do not exist, and duplicates', () => {
    expect(refused((s) => (s.inboundRoutes[1].destination = { type: 'extension', number: '299' })).message).to.match(/no extension 299/);
    expect(refused((s) => (s.inboundRoutes[1].destination = { type: 'voicemail', number: '203' })).message).to.match(/no voicemail/);
    expect(refused((s) => (s.ringGroups[0].members = ['201', '299'])).field).to.equal('ringGroups[0].members[1]');
    expect(refused((s) => (s.outboundRoutes[0].trunkIds = [42])).field).to.equal('outboundRoutes[0].trunkIds[0]');
    expect(refused((s) => (s.extensions[0].restrictionClass = 'Unknown')).field).to.equal('extensions[0].restrictionClass');
    expect(refused((s) => (s.extensions[1].number = '201')).message).to.match(/used twice/);
    expect(refused((s) => (s.ringGroups[0].number = '201')).message).to.match(/already used/);
    expect(refused((s) => (s.extensions[1].sipUsername = 'alice')).message).to.match(/already used/);
    expect(refused((s) => (s.extensions[1].sipUsername = 'alice-webrtc')).message).to.match(/already used/);
    expect(refused((s) => (s.extensions[0].codecs = [])).field).to.equal('extensions[0].codecs');
    expect(refused((s) => (s.extensions[0].codecs = ['speex' as never])).field).to.equal('extensions[0].codecs[0]');
  });

  it('gives restriction classes named in free text a context name of safe characters', () => {
    const snapshot = representativeSnapshot();
    snapshot.restrictionClasses[1].name = 'No international ]; [x]';
    snapshot.extensions[1].restrictionClass = 'No international ]; [x]';
    snapshot.extensions[3].restrictionClass = 'No international ]; [x]';
    const dialplan = file(snapshot, 'extensions-carillon.conf');
    expect(dialplan).to.include('[carillon-class-No_international_x]');
    expect(dialplan).to.include('Set(CARILLON_CLASS=No_international_x)');
  });
});
