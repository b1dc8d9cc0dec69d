import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { WebSocket } from 'ws';
import { AriSimulator } from './ari-simulator';
import { SimRegistrar } from './registrar';

// The simulator against the real Asterisk 22.10.1 trace of calls that stay in the dialplan
// (traces/11-dialplan-calls.jsonl, written by test/telephony/capture-live-calls-trace.ts): an
// application subscribed to `endpoint:PJSIP` must get the same events, in the same order per
// channel. Asterisk itself varies two things between runs, which the comparison leaves open: whether
// the callee's `Ringing` state or the Dial RINGING comes first, and which channel is destroyed
// first when the caller hangs up an answered call (the lists are per channel). The dialplan's own steps (Gosub, Set…) and
// variables depend on the generated dialplan and are not simulated.

type Event = Record<string, any>;
const TRACE = path.join(__dirname, 'traces', '11-dialplan-calls.jsonl');

/** The trace-ep events of one part of the trace (between its note and the next). */
function tracePart(letter: string): Event[] {
  const lines = fs.readFileSync(TRACE, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const start = lines.findIndex((l) => l.dir === 'note' && l.text.startsWith(`${letter}:`));
  const end = lines.findIndex((l, i) => i > start && l.dir === 'note' && !l.text.startsWith(`${letter}:`));
  return lines.slice(start, end).filter((l) => l.dir === 'event' && l.ws === 'trace-ep').map((l) => l.event);
}

/** Per endpoint (872 calls 871), the events about its channel: type, state and what tells them apart. */
function perEndpoint(events: Event[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of events) {
    if (e.type === 'ChannelVarset' || (e.type === 'ChannelDialplan' && !['Dial', 'AppDial'].includes(e.dialplan_app))) continue;
    const subject = e.type === 'Dial' ? e.peer : e.channel;
    const resource = e.endpoint?.resource ?? /^PJSIP\/(.+)-[0-9a-f]{8}$/.exec(subject?.name ?? '')?.[1];
    const detail = e.type === 'Dial' ? e.dialstatus : e.type === 'ChannelDialplan' ? e.dialplan_app : (e.cause ?? e.endpoint?.state ?? '');
    (out[resource] ??= []).push(`${e.type} ${subject?.state ?? ''} ${detail}`.trim());
  }
  // Asterisk sends the callee's Ringing state and the Dial RINGING in either order (the Dial's
  // snapshot of the callee then says Down or Ringing).
  for (const list of Object.values(out)) {
    for (let i = 0; i < list.length; i++) if (list[i] === 'Dial Down RINGING') list[i] = 'Dial Ringing RINGING';
    const ringing = (item: string | undefined) => item === 'Dial Ringing RINGING' || item === 'ChannelStateChange Ringing';
    for (let i = 0; i < list.length; i++) {
      if (!ringing(list[i])) continue;
      let end = i;
      while (ringing(list[end + 1])) end++;
      list.splice(i, end - i + 1, ...list.slice(i, end + 1).sort());
      i = end;
    }
  }
  return out;
}

describe('ARI simulator: calls that stay in the dialplan, seen through endpoint:PJSIP (real trace 11)', () => {
  let sim: AriSimulator;
  let socket: WebSocket;
  const events: Event[] = [];
  const auth = { authorization: `Basic ${Buffer.from('carillon:carillon').toString('base64')}` };

  before(async () => {
    sim = new AriSimulator({ defaultSoundMs: 20 });
    await sim.start();
    new SimRegistrar(sim);
    sim.addEndpoint('872', { registered: true, callerId: { name: 'Carillon test 872', number: '872' } });
    sim.addEndpoint('871', { registered: true, callerId: { name: 'Carillon test 871', number: '871' } });
    socket = new WebSocket(`${sim.url.replace('http', 'ws')}/ari/events?app=trace-ep&api_key=carillon:carillon`);
    socket.on('message', (data) => events.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const res = await fetch(`${sim.url}/ari/applications/trace-ep/subscription?eventSource=endpoint%3APJSIP`, { method: 'POST', headers: auth });
    expect(res.status).to.equal(200);
  });

  after(async () => {
    socket.close();
    await sim.stop();
  });

  beforeEach(() => {
    events.length = 0;
  });

  it('A: a phone calls a phone, which answers; the caller hangs up', async () => {
    sim.model.endpoints.get('871')!.behaviour = { kind: 'answer', answerAfterMs: 30 };
    const result = await sim.dialplan.call({ from: '872', exten: '871', ring: ['871'], talkMs: 50 });
    expect(result.dialstatus).to.equal('ANSWER');
    await new Promise((resolve) => setImmediate(resolve));
    const real = perEndpoint(tracePart('A'));
    const simulated = perEndpoint(events);
    expect(simulated).to.deep.equal(real);
    // The events that make the dashboard move: the callee is created, rings, answers, is destroyed.
    expect(real['871']).to.include.members(['ChannelCreated Down', 'ChannelStateChange Ringing', 'ChannelStateChange Up', 'ChannelDestroyed Up 16']);
    // Nothing about bridges reaches an application that has only the endpoint subscription.
    expect(events.filter((e) => /Bridge/.test(e.type))).to.deep.equal([]);
  });

  it('F: a channel originated into the application that also has the endpoint subscription gets each channel event twice, Stasis events once', async () => {
    sim.model.endpoints.get('871')!.behaviour = { kind: 'answer', answerAfterMs: 30 };
    const res = await fetch(`${sim.url}/ari/channels?endpoint=PJSIP/871&app=trace-ep`, { method: 'POST', headers: auth });
    const channel = (await res.json()) as { id: string };
    for (let i = 0; i < 200 && !events.some((e) => e.type === 'StasisStart'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await fetch(`${sim.url}/ari/channels/${channel.id}`, { method: 'DELETE', headers: auth })).status).to.equal(204);
    // The last event is the EndpointStateChange with no channel left.
    for (let i = 0; i < 200 && !(events.at(-1)?.type === 'EndpointStateChange' && events.at(-1)!.endpoint.channel_ids.length === 0); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const simulated = perEndpoint(events);
    expect(simulated).to.deep.equal(perEndpoint(tracePart('F')));
    expect(simulated['871']!.filter((e) => e.startsWith('ChannelDestroyed'))).to.have.length(2);
  });

  it('C: the callee rings; the caller’s channel is hung up over ARI (DELETE), which cancels the callee', async () => {
    sim.model.endpoints.get('871')!.behaviour = { kind: 'noAnswer' };
    const call = sim.dialplan.call({ from: '872', exten: '871', ring: ['871'], ringSeconds: 600 });
    let caller: { id: string; name: string } | undefined;
    for (let i = 0; i < 100 && !caller; i++) {
      const channels = (await (await fetch(`${sim.url}/ari/channels`, { headers: auth })).json()) as Array<{ id: string; name: string; state: string }>;
      caller = channels.find((c) => c.name.startsWith('PJSIP/872-') && channels.some((o) => o.state === 'Ringing'));
      if (!caller) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const res = await fetch(`${sim.url}/ari/channels/${caller!.id}`, { method: 'DELETE', headers: auth });
    expect(res.status).to.equal(204);
    expect((await call).dialstatus).to.equal('CANCEL');
    await new Promise((resolve) => setImmediate(resolve));
    expect(perEndpoint(events)).to.deep.equal(perEndpoint(tracePart('C')));
    expect(sim.model.channels.size).to.equal(0);
  });
});
