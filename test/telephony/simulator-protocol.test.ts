import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { WebSocket } from 'ws';
import { tempDir } from '../support/test-app';
import type { AriSimulator } from '../ari-simulator/ari-simulator';
import { startSimulator, until } from './telephony-harness';

const AUTH = { authorization: `Basic ${Buffer.from('carillon:carillon').toString('base64')}` };

async function ari(sim: AriSimulator, method: string, pathAndQuery: string, headers: Record<string, string> = AUTH) {
  const res = await fetch(`${sim.url}/ari${pathAndQuery}`, { method, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

function openSocket(url: string): Promise<{ ws: WebSocket; frames: string[] }> {
  const ws = new WebSocket(url);
  const frames: string[] = [];
  ws.on('message', (data: Buffer) => frames.push(data.toString('utf8')));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('ARI simulator protocol (what a client sees on the wire)', () => {
  let sim: AriSimulator;
  const sockets: WebSocket[] = [];

  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await sim.stop();
  });

  it('serves the Swagger listing behind basic auth, with basePath on the host the client used', async () => {
    sim = await startSimulator();
    const denied = await ari(sim, 'GET', '/api-docs/resources.json', {});
    expect(denied.status).to.equal(401);
    expect(denied.body).to.deep.equal({ message: 'Authentication required' });
    expect(denied.headers.get('www-authenticate')).to.equal('Basic realm="Asterisk REST Interface"');
    const listing = await ari(sim, 'GET', '/api-docs/resources.json');
    expect(listing.body).to.include({ swaggerVersion: '1.1', basePath: `${sim.url}/ari` });
    const channels = await ari(sim, 'GET', '/api-docs/channels.json');
    const originate = (channels.body!.apis as Array<{ path: string; operations: Array<{ nickname: string; parameters: Array<{ name: string }> }> }>)
      .find((a) => a.path === '/channels')!
      .operations.find((o) => o.nickname === 'originate')!;
    expect(originate.parameters.map((p) => p.name)).to.include.members(['endpoint', 'app', 'appArgs', 'callerId', 'timeout', 'channelId', 'otherChannelId', 'formats']);
  });

  it('answers errors with the status codes and bodies of Asterisk 22 (08)', async () => {
    sim = await startSimulator();
    sim.addLocalExtension('s', 'sim-local');
    await openSocket(`ws://127.0.0.1:${new URL(sim.url).port}/ari/events?app=carillon&api_key=carillon:carillon`).then((s) => sockets.push(s.ws));
    const answers = [
      await ari(sim, 'GET', '/channels/does-not-exist'),
      await ari(sim, 'POST', '/channels?endpoint=NoSlash&app=carillon'),
      await ari(sim, 'POST', '/channels?endpoint=Bogus/xyz&app=carillon'),
      await ari(sim, 'POST', '/channels?app=carillon'),
      await ari(sim, 'POST', '/channels?endpoint=Local/s@sim-local'),
      await ari(sim, 'POST', '/channels?endpoint=Local/s@sim-local&app=carillon&formats=nope'),
      await ari(sim, 'POST', '/bridges?type=bogus'),
      await ari(sim, 'GET', '/no-such-resource'),
      await ari(sim, 'PUT', '/channels'),
    ];
    expect(answers.map((a) => [a.status, a.body])).to.deep.equal([
      [404, { message: 'Channel not found' }],
      [400, { message: 'Invalid endpoint specified' }],
      [500, { error: 'Allocation failed' }],
      [400, { message: 'Endpoint must be specified' }],
      [400, { message: 'Application or extension must be specified' }],
      [400, { message: 'Provided format (nope) was not found' }],
      [500, { message: "Unable to create bridge. Possible duplicate bridge id '(null)'" }],
      [404, { message: 'Resource not found' }],
      [405, { message: 'Invalid method' }],
    ]);
    const created = await ari(sim, 'POST', '/channels?endpoint=Local/s@sim-local&app=carillon&channelId=a1&otherChannelId=b1');
    expect(created.status).to.equal(200);
    expect(created.body).to.include({ id: 'a1', state: 'Down' });
    expect((await ari(sim, 'POST', '/channels?endpoint=Local/s@sim-local&app=carillon&channelId=a1')).status).to.equal(409);
    await until('in Stasis', () => sim.channelsInStasis().includes('a1'));
    expect(await ari(sim, 'POST', '/channels/b1/answer').then((a) => [a.status, a.body])).to.deep.equal([409, { message: 'Channel not in Stasis application' }]);
    expect(await ari(sim, 'DELETE', '/channels/a1?reason=bogus').then((a) => [a.status, a.body])).to.deep.equal([400, { message: 'Invalid reason for hangup reason provided' }]);
    const deleted = await ari(sim, 'DELETE', '/channels/a1?reason=busy');
    expect(deleted.status).to.equal(204);
    expect(deleted.headers.get('content-length')).to.equal('0');
    await until('destroyed', () => sim.eventsFor('carillon').some((e) => e.type === 'ChannelDestroyed' && (e.channel as { id: string }).id === 'b1'));
    const destroyed = sim.eventsFor('carillon').find((e) => e.type === 'ChannelDestroyed' && (e.channel as { id: string }).id === 'a1');
    expect(destroyed).to.include({ cause: 17, cause_txt: 'User busy' });
  });

  it('registers applications over the WebSocket like Asterisk: rejects bad handshakes, replaces an older socket', async () => {
    sim = await startSimulator();
    const base = `ws://127.0.0.1:${new URL(sim.url).port}/ari/events`;
    const badPassword = await openSocket(`${base}?app=carillon&api_key=carillon:wrong`).catch((err: Error) => err.message);
    expect(badPassword).to.equal('HTTP 401');
    const noApp = await openSocket(`${base}?api_key=carillon:carillon`).catch((err: Error) => err.message);
    expect(noApp).to.equal('HTTP 400');
    expect((await ari(sim, 'GET', '/applications')).body).to.deep.equal([]);
    const first = await openSocket(`${base}?app=carillon&api_key=carillon:carillon`);
    const second = await openSocket(`${base}?app=carillon&api_key=carillon:carillon`);
    sockets.push(first.ws, second.ws);
    await until('ApplicationReplaced', () => first.frames.length === 1);
    // Pretty-printed like ari.conf `pretty=yes`.
    expect(first.frames[0]).to.match(/^\{\n {2}"type": "ApplicationReplaced"/);
    expect(first.ws.readyState).to.equal(WebSocket.OPEN);
    const apps = (await ari(sim, 'GET', '/applications')).body as unknown as Array<{ name: string }>;
    expect(apps.map((a) => a.name)).to.deep.equal(['carillon']);
  });

  it('writes CDR lines to a Master.csv file in the format of 10-cdr.jsonl', async () => {
    const file = path.join(tempDir(), 'Master.csv');
    sim = await startSimulator({ cdrFile: file, cdrUnanswered: true });
    sim.addEndpoint('2001', { behaviour: { kind: 'busy', afterMs: 5 } });
    await openSocket(`ws://127.0.0.1:${new URL(sim.url).port}/ari/events?app=carillon&api_key=carillon:carillon`).then((s) => sockets.push(s.ws));
    await ari(sim, 'POST', `/channels?endpoint=PJSIP/2001&app=carillon&callerId=${encodeURIComponent('"Alice Trace" <7101>')}`);
    await until('a CDR line', () => sim.cdrRecords.length === 1);
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines).to.deep.equal([sim.cdrRecords[0].raw]);
    expect(lines[0]).to.match(/^"","7101","s","from-internal","""Alice Trace"" <7101>","PJSIP\/2001-[0-9a-f]{8}","","AppDial2","\(Outgoing Line\)","[0-9: -]{19}",,"[0-9: -]{19}",0,0,"BUSY","DOCUMENTATION","\d+\.\d+",""$/);
  });

  it('writes CEL records like cel_custom\'s JSON mapping: keys, order and event sequence of 03b (busy)', async () => {
    const file = path.join(tempDir(), 'carillon.json');
    sim = await startSimulator({ celFile: file });
    sim.addEndpoint('2001', { behaviour: { kind: 'busy', afterMs: 5 } });
    await openSocket(`ws://127.0.0.1:${new URL(sim.url).port}/ari/events?app=carillon&api_key=carillon:carillon`).then((s) => sockets.push(s.ws));
    await ari(sim, 'POST', '/channels?endpoint=PJSIP/2001&app=carillon');
    await until('the call ended', () => sim.cel.records.some((r) => r.eventtype === 'LINKEDID_END'));
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
    const trace = fs.readFileSync(path.join(__dirname, '..', 'calls', 'fixtures', 'cel-traces.json'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
    const traced = trace.filter((r) => r.linkedid === '1795259719.100682');
    expect(lines.map((r) => Object.keys(r))).to.deep.equal(traced.map((r) => Object.keys(r)));
    expect(lines.map((r) => r.eventtype)).to.deep.equal(traced.map((r) => r.eventtype));
    expect(lines.map((r) => r.appname)).to.deep.equal(traced.map((r) => r.appname));
    expect(JSON.parse(lines[1]!.eventextra)).to.deep.equal({ hangupcause: 17, hangupsource: lines[1]!.channame, dialstatus: '' });
    expect(lines[0]!.eventtime).to.match(/^\d{10}\.\d{6}$/);
  });

  it('CEL of an inbound call bridged by the application (04): the phone joins the caller\'s linkedid', async () => {
    sim = await startSimulator();
    sim.addEndpoint('trace-uac', { callerId: { name: 'Alice Trace', number: '7101' } });
    sim.addEndpoint('trace-uas', { callerId: { name: 'Bob Trace', number: '7102' }, behaviour: { kind: 'answer', answerAfterMs: 10 } });
    const socket = await openSocket(`ws://127.0.0.1:${new URL(sim.url).port}/ari/events?app=carillon&api_key=carillon:carillon`);
    sockets.push(socket.ws);
    const { channelId } = sim.inboundCall({ from: 'trace-uac', exten: '7001', app: 'carillon', args: ['inbound', '7001'] });
    await until('StasisStart of the caller', () => sim.eventsFor('carillon').some((e) => e.type === 'StasisStart'));
    await ari(sim, 'POST', `/channels/${channelId}/answer`);
    const bridge = (await ari(sim, 'POST', '/bridges?type=mixing')).body as { id: string };
    const callee = (await ari(sim, 'POST', '/channels?endpoint=PJSIP/trace-uas&app=carillon&appArgs=dialed')).body as { id: string };
    await until('the phone answered', () => sim.eventsFor('carillon').filter((e) => e.type === 'StasisStart').length === 2);
    await ari(sim, 'POST', `/bridges/${bridge.id}/addChannel?channel=${channelId},${callee.id}`);
    sim.hangupFromRemote(channelId!);
    await ari(sim, 'DELETE', `/channels/${callee.id}`);
    await until('the call ended', () => sim.cel.records.filter((r) => r.eventtype === 'LINKEDID_END').length === 2);
    const sequence = sim.cel.records.map((r) => `${r.eventtype} ${r.uniqueid === channelId ? 'A' : 'B'} ${r.linkedid === channelId ? 'A' : 'B'}`);
    // As 04-inbound-bridge.jsonl's CEL: B ends its own linkedid on entering the bridge, then lives on in A's.
    expect(sequence).to.deep.equal([
      'CHAN_START A A',
      'ANSWER A A',
      'CHAN_START B B',
      'ANSWER B B',
      'BRIDGE_ENTER A A',
      'LINKEDID_END B B',
      'BRIDGE_ENTER B A',
      'BRIDGE_EXIT A A',
      'HANGUP A A',
      'CHAN_END A A',
      'BRIDGE_EXIT B A',
      'HANGUP B A',
      'CHAN_END B A',
      'LINKEDID_END B A',
    ]);
  });

  it('with cdr.conf unanswered=no (the default) writes no record for an unanswered originate', async () => {
    sim = await startSimulator();
    sim.addEndpoint('2001', { behaviour: { kind: 'busy', afterMs: 5 } });
    await openSocket(`ws://127.0.0.1:${new URL(sim.url).port}/ari/events?app=carillon&api_key=carillon:carillon`).then((s) => sockets.push(s.ws));
    await ari(sim, 'POST', '/channels?endpoint=PJSIP/2001&app=carillon');
    await until('destroyed', () => sim.eventsFor('carillon').some((e) => e.type === 'ChannelDestroyed'));
    expect(sim.cdrRecords).to.deep.equal([]);
  });
  it('a dialplan call nobody answered ends as the generated dialplan ends it: the caller gets 486 busy, 480 no answer or unregistered, never 603', async () => {
    sim = await startSimulator();
    sim.addEndpoint('caller', { callerId: { name: 'Caller', number: '201' } });
    sim.addEndpoint('busy-phone', { behaviour: { kind: 'busy', afterMs: 10 } });
    sim.addEndpoint('ringing-phone', { behaviour: { kind: 'noAnswer' } });
    sim.addEndpoint('offline-phone', { registered: false });
    const busy = await sim.dialplan.call({ from: 'caller', exten: '202', ring: ['busy-phone'] });
    const noAnswer = await sim.dialplan.call({ from: 'caller', exten: '203', ring: ['ringing-phone'], ringSeconds: 0.05 });
    const unregistered = await sim.dialplan.call({ from: 'caller', exten: '204', ring: ['offline-phone'] });
    expect([busy, noAnswer, unregistered].map((c) => [c.dialstatus, c.callerResponse])).to.deep.equal([
      ['BUSY', 486],
      ['NOANSWER', 480],
      ['CHANUNAVAIL', 480],
    ]);
    // The caller's own channel ends with the dialplan's cause (CEL HANGUP), as Asterisk writes it.
    const causes = [busy, noAnswer, unregistered].map((c) => sim.cel.records.find((r) => r.uniqueid === c.callerId && r.eventtype === 'HANGUP')?.eventextra);
    expect(causes.map((extra) => JSON.parse(extra!).hangupcause)).to.deep.equal([17, 19, 20]);
  });
});
