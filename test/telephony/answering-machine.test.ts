import { expect } from 'chai';
import type { AriSimulator } from '../ari-simulator/ari-simulator';
import { OutboundDialling } from '../ari-simulator/outbound-dialling';
import type { EndpointBehaviour } from '../ari-simulator/model-types';
import { ConfigRenderer } from '../../core/telephony/config/renderer';
import { representativeSnapshot } from './config/representative-snapshot';
import { startSimulator, startTelephony, until, type TelephonyUnderTest } from './telephony-harness';

/** Numbers a dialer calls through the outbound routes, and who answers them. */
const FAR_ENDS: Record<string, EndpointBehaviour> = {
  // A machine: 2.5 s greeting, then its beep.
  '0611000001': { kind: 'answer', answerAfterMs: 20, answeringMachine: { amd: 'MACHINE', speechMs: 2500, beepAfterGreetingMs: 300 } },
  // A person says "Allô ?" (400 ms) and waits.
  '0611000002': { kind: 'answer', answerAfterMs: 20, answeringMachine: { amd: 'HUMAN', speechMs: 400 } },
  // Noise AMD cannot decide on.
  '0611000003': { kind: 'answer', answerAfterMs: 20, answeringMachine: { amd: 'NOTSURE', speechMs: 600 } },
};

describe('Answering machines (AMD) on calls a dialer originates through the outbound routes', function () {
  this.timeout(20_000);
  let sim: AriSimulator;
  let t: TelephonyUnderTest;

  before(async () => {
    sim = await startSimulator({ defaultSoundMs: 200 });
    new OutboundDialling(sim, (number) => FAR_ENDS[number] ?? { kind: 'answer', answerAfterMs: 20 });
    t = startTelephony(sim.url);
    await until('connected', () => t.telephony.connected);
  });
  after(async () => {
    await t.stop();
    await sim.stop();
  });

  const dial = (number: string) =>
    t.telephony.originate({ endpoint: `Local/${number}@from-internal`, variables: { CARILLON_CALLER: '201', CARILLON_AMD: '1' }, timeoutSeconds: 30 });

  it('a machine: AMD says MACHINE with its cause; the message starts only after the greeting and the beep', async () => {
    const call = await dial('0611000001');
    const channel = await call.answered;
    // As on Asterisk, AMD() ran before the call entered the application: the verdict is already there.
    expect(await channel.getVariable('AMDSTATUS')).to.equal('MACHINE');
    expect(await channel.answeringMachineVerdict({ timeoutMs: 1000 })).to.deep.equal({ status: 'MACHINE', cause: 'LONGGREETING-1500-1500' });
    await channel.waitForSilenceAfterSpeech({ silenceMs: 500, timeoutMs: 10_000 });
    await channel.play('sound:carillon/message-for-machines');
    await channel.hangup();
    await call.ended;
    const log = sim.model.answeringMachines.logs.get(channel.id)!;
    expect(log.beepAt, 'the machine beeped').to.be.instanceOf(Date);
    expect(log.played.map((p) => p.media)).to.deep.equal(['sound:carillon/message-for-machines']);
    expect(log.played[0]!.at.getTime(), 'message after the beep').to.be.greaterThan(log.beepAt!.getTime());
    // The dialer listened with TALK_DETECT: the greeting and the beep, each reported with its length.
    const talk = sim.eventsFor('carillon').filter((e) => (e.type === 'ChannelTalkingFinished') && (e.channel as { id: string }).id === channel.id);
    expect(talk.map((e) => e.duration)).to.deep.equal([2500, 400]);
  });

  it('a person: HUMAN, without waiting for a beep', async () => {
    const call = await dial('0611000002');
    const channel = await call.answered;
    expect(await channel.answeringMachineVerdict({ timeoutMs: 1000 })).to.deep.equal({ status: 'HUMAN', cause: 'HUMAN-400-800' });
    expect(sim.model.answeringMachines.logs.get(channel.id)!.beepAt).to.equal(null);
    await channel.hangup();
    await call.ended;
  });

  it('undecided: NOTSURE after the whole analysis time (TOOLONG)', async () => {
    const call = await dial('0611000003');
    const channel = await call.answered;
    expect(await channel.answeringMachineVerdict({ timeoutMs: 1000 })).to.deep.equal({ status: 'NOTSURE', cause: 'TOOLONG-5000' });
    await channel.hangup();
    await call.ended;
  });

  it('without CARILLON_AMD the call is connected at once and no verdict comes', async () => {
    const call = await t.telephony.originate({ endpoint: 'Local/0611000004@from-internal', variables: { CARILLON_CALLER: '201' } });
    const channel = await call.answered;
    expect(await channel.answeringMachineVerdict({ timeoutMs: 300 })).to.equal(null);
    await channel.hangup();
    await call.ended;
  });

  it('the generated dialplan runs AMD() on the called number for those calls only, and hands the verdict to the originated channel', () => {
    const dialplan = new ConfigRenderer().render(representativeSnapshot(), { recordingsSpool: '/var/spool/carillon' }).find((f) => f.name === 'extensions-carillon.conf')!.content;
    expect(dialplan).to.include(' same => n,ExecIf($["${CARILLON_AMD}" = "1"]?Set(CARILLON_AMD_DIALOPTS=U(carillon-amd)))');
    expect(dialplan).to.include(' same => n,Dial(PJSIP/${ARG2}@${ARG1},120,${CARILLON_CALLER_DIALOPTS}${CARILLON_AMD_DIALOPTS})');
    expect(dialplan).to.include('[carillon-amd]\n');
    expect(dialplan).to.include(' same => n,Set(MASTER_CHANNEL(AMDSTATUS)=${AMDSTATUS})');
  });
});
