import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigRenderer } from '../../../core/telephony/config/renderer';
import { emptySnapshot } from '../../../core/telephony/config/empty-snapshot';
import { representativeSnapshot } from './representative-snapshot';

const EXPECTED_DIR = path.join(__dirname, 'expected');
const SPOOL = '/var/lib/carillon/recordings-spool';

describe('Asterisk configuration generation', () => {
  const renderer = new ConfigRenderer();

  it('turns the representative snapshot into the reviewed files under expected/', () => {
    const files = renderer.render(representativeSnapshot(), { recordingsSpool: SPOOL });
    // CARILLON_UPDATE_EXPECTED=1 rewrites them; each change must then be reviewed against the Asterisk docs.
    if (process.env.CARILLON_UPDATE_EXPECTED === '1') for (const f of files) fs.writeFileSync(path.join(EXPECTED_DIR, f.name), f.content);
    expect(files.map((f) => [f.name, f.module])).to.deep.equal([
      ['pjsip-transports.conf', 'res_pjsip.so'],
      ['pjsip-extensions.conf', 'res_pjsip.so'],
      ['pjsip-trunks.conf', 'res_pjsip.so'],
      ['extensions-carillon.conf', 'pbx_config.so'],
      ['voicemail-carillon.conf', 'app_voicemail.so'],
    ]);
    for (const file of files) expect(file.content, file.name).to.equal(fs.readFileSync(path.join(EXPECTED_DIR, file.name), 'utf8'));
  });

  it('is deterministic: the same snapshot gives the same bytes', () => {
    const a = renderer.render(representativeSnapshot(), { recordingsSpool: SPOOL });
    const b = renderer.render(representativeSnapshot(), { recordingsSpool: SPOOL });
    expect(a).to.deep.equal(b);
  });

  it('writes the call-log userfield contract, escaping its semicolons from the comment syntax', () => {
    const dialplan = renderer.render(representativeSnapshot(), { recordingsSpool: SPOOL }).find((f) => f.name === 'extensions-carillon.conf')!.content;
    expect(dialplan).to.include(
      'exten => s,1,Set(CDR(userfield)=carillon\\;call=${CHANNEL(linkedid)}\\;dir=${CARILLON_DIR}\\;to=${CARILLON_TO}\\;dialstatus=${DIALSTATUS}\\;hint=${CARILLON_HINT})',
    );
    expect(dialplan).to.include(`MixMonitor(${SPOOL}/\${CHANNEL(linkedid)}-\${UNIQUEID}.wav,b)`);
    // Only application destinations (and nothing else) enter Stasis.
    const stasis = dialplan.split('\n').filter((line) => /\bStasis\(/.test(line) && !line.startsWith(';'));
    expect(stasis).to.deep.equal([' same => n,Stasis(carillon,overflow)', ' same => n,Stasis(carillon,callback-widget,queue,sales)']);
  });

  it('gives valid files without any telephony resource', () => {
    const files = renderer.render(emptySnapshot('carillon'), { recordingsSpool: SPOOL });
    const pjsip = files.find((f) => f.name === 'pjsip-extensions.conf')!.content;
    expect(pjsip).not.to.match(/^\[/m);
    const dialplan = files.find((f) => f.name === 'extensions-carillon.conf')!.content;
    expect(dialplan).to.include('[from-internal]').and.to.include('[from-trunks]');
    // Asterisk keeps the first bind address it is given until it restarts: none is guessed.
    expect(files.find((f) => f.name === 'pjsip-transports.conf')!.content).not.to.match(/^\[transport-/m);
  });

  it('ends calls nobody answered with the cause phones show right (busy 486, no answer and unregistered 480), never a bare Hangup()', () => {
    const snapshot = representativeSnapshot();
    // 205: no voicemail, no forwarding. 602: a group whose fallback hangs up.
    snapshot.extensions.push({ ...snapshot.extensions[2]!, id: 5, number: '205', name: 'Denis', sipUsername: 'denis', doNotDisturb: false });
    snapshot.ringGroups.push({ id: 3, number: '602', name: 'Nobody', strategy: 'hunt', members: ['205'], ringSeconds: 10, fallback: { type: 'hangup' } });
    const dialplan = renderer.render(snapshot, { recordingsSpool: SPOOL }).find((f) => f.name === 'extensions-carillon.conf')!.content;
    const context = (name: string, exten: string) => {
      const from = dialplan.indexOf(`[${name}]`);
      const lines = dialplan.slice(from).split('\n');
      const start = lines.findIndex((l) => l.startsWith(`exten => ${exten},1,`));
      const end = lines.findIndex((l, i) => i > start && !l.startsWith(' '));
      return lines.slice(start, end);
    };
    const denis = context('carillon-ext', '205');
    expect(denis.slice(denis.indexOf(' same => n(busy),NoOp(Busy)'))).to.deep.equal([
      ' same => n(busy),NoOp(Busy)',
      ' same => n,Goto(carillon-unanswered,s,1)',
      ' same => n(noanswer),NoOp(No answer or unavailable)',
      ' same => n,Goto(carillon-unanswered,s,1)',
    ]);
    expect(context('carillon-ringgroup', '602')).to.include.members([' same => n,Goto(carillon-unanswered,s,1)']);
    // chan_pjsip's hangup_cause2sip: 17 -> 486, 19 and 20 -> 480 (16, what Dial() leaves, -> 603 Decline).
    expect(context('carillon-unanswered', 's')).to.deep.equal([
      'exten => s,1,GotoIf($["${DIALSTATUS}"="BUSY"]?busy)',
      ' same => n,GotoIf($["${DIALSTATUS}"="CHANUNAVAIL"]?unavailable)',
      ' same => n,Hangup(19)',
      ' same => n(busy),Hangup(17)',
      ' same => n(unavailable),Hangup(20)',
    ]);
    // A deliberate hang-up (an inbound route's destination) stays a plain one.
    expect(context('carillon-inbound-6', 's')).to.include(' same => n,Hangup()');
  });

  it('renders nested schedules with labels that stay unique', () => {
    const snapshot = representativeSnapshot();
    snapshot.inboundRoutes = [
      {
        id: 9,
        did: '+33999999999',
        callerPattern: null,
        destination: {
          type: 'schedule',
          scheduleId: 2,
          open: { type: 'schedule', scheduleId: 1, open: { type: 'extension', number: '201' }, closed: { type: 'hangup' } },
          closed: { type: 'voicemail', number: '202' },
        },
        recording: 'never',
      },
    ];
    const dialplan = renderer.render(snapshot, { recordingsSpool: SPOOL }).find((f) => f.name === 'extensions-carillon.conf')!.content;
    const context = dialplan.slice(dialplan.indexOf('[carillon-inbound-9]'));
    expect(context.split('\n').slice(3, 14)).to.deep.equal([
      ' same => n,Gosub(carillon-schedule-2,s,1)',
      ' same => n,GotoIf(${GOSUB_RETVAL}?open1:closed1)',
      ' same => n(open1),Gosub(carillon-schedule-1,s,1)',
      ' same => n,GotoIf(${GOSUB_RETVAL}?open2:closed2)',
      ' same => n(open2),Goto(carillon-ext,201,1)',
      ' same => n(closed2),Set(CARILLON_HINT=closed)',
      ' same => n,Gosub(carillon-userfield,s,1)',
      ' same => n,Hangup()',
      ' same => n(closed1),Set(CARILLON_HINT=closed)',
      ' same => n,Gosub(carillon-userfield,s,1)',
      ' same => n,Goto(carillon-voicemail,202,1)',
    ]);
  });

  it('adds a TLS transport only for an operator that needs it, and brackets IPv6 addresses', () => {
    const snapshot = representativeSnapshot();
    expect(renderer.render(snapshot, { recordingsSpool: SPOOL })[0].content).not.to.include('[transport-tls]');
    snapshot.transports.bindAddress = '::';
    snapshot.trunks[1] = { ...(snapshot.trunks[1] as Extract<(typeof snapshot.trunks)[1], { kind: 'operator' }>), transport: 'tls', host: '[2001:db8::7]', port: 5061 };
    const [transports, , trunks] = renderer.render(snapshot, { recordingsSpool: SPOOL }).map((f) => f.content);
    expect(transports).to.include('[transport-tls]\ntype=transport\nprotocol=tls\nbind=[::]:5061\n');
    expect(transports).to.include('bind=[::]:5060');
    expect(trunks).to.include('transport=transport-tls');
    expect(trunks).to.include('contact=sip:[2001:db8::7]:5061\\;transport=tls');
    expect(trunks).to.include('match=2001:db8::7');
  });
});
