import dgram from 'node:dgram';
import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { ari, log, pause, poll, realAsterisk, showLogsOfFailure, startLab, stopLab, type Lab } from './real-asterisk-lab';

// Opt-in: the dashboard of issue 13 against a real Asterisk 22 (appliance/asterisk/README.md,
// "Running the opt-in suite"; the variables of the end-to-end part of real-asterisk.test.ts).
// A phone-to-phone call never enters Carillon's application: the dashboard hears of it through
// the endpoint:PJSIP subscription (test/ari-simulator/traces/11-dialplan-calls.jsonl).

type LiveCall = { id: string; from: string; to: string; state: string; channelIds: string[] };
type Trunk = { id: number; name: string; state: string };

describe('Real Asterisk (opt-in): dashboard live calls, hang-up, metrics and trunk states', function () {
  this.timeout(180_000);
  let lab: Lab | undefined;
  const [callee, caller] = ['861', '862'];
  let socket: Socket | undefined;
  const heard: string[] = [];

  const dashboard = async () => (await lab!.admin.get('/api/system/dashboard')).body as { liveCalls: LiveCall[] | null; health: { trunks: Trunk[] } };
  const inProgress = async () => {
    const text = await (await fetch(`${lab!.t.url}/metrics`)).text();
    return Number(/^carillon_calls_in_progress (\S+)$/m.exec(text)?.[1]);
  };
  /** This suite's phones' channels still in Asterisk. */
  const ourChannels = async () => ((await ari('GET', '/channels')).body as Array<{ name: string }>).filter((c) => c.name.startsWith(`PJSIP/${callee}-`) || c.name.startsWith(`PJSIP/${caller}-`));

  before(async function () {
    await startLab(this, { name: 'dashboard', numbers: [callee, caller], did: '+33100000861' }, (started) => (lab = started));
    socket = io(lab!.t.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: lab!.admin.cookie! } });
    socket.on('calls.liveChanged', (payload: { type: string }) => {
      heard.push(payload.type);
      log(`calls.liveChanged ${payload.type}`);
    });
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', () => resolve());
      socket!.once('connect_error', reject);
    });
  });

  afterEach(function () {
    showLogsOfFailure(this, lab);
  });

  after(async () => {
    socket?.close();
    await stopLab(lab);
  });

  it('shows a phone-to-phone call at once, ringing then answered; the admin hangs it up: both phones get BYE, no channel is left, the call is logged, /metrics goes 1 then 0', async () => {
    const phone = (n: string) => lab!.phoneOf(n);
    heard.length = 0;
    phone(callee).behaviour = { kind: 'answer', afterMs: 4000 };
    const answered = phone(caller).call(callee);

    // Ringing: heard over socket.io (no page refresh, long before the 30 s reload) and listed.
    await poll('calls.liveChanged started while ringing', async () => heard.includes('started'), 3000);
    expect(phone(caller).inCall, 'still ringing').to.equal(false);
    const [ringing] = await poll('the ringing call on the dashboard', async () => {
      const calls = (await dashboard()).liveCalls;
      return calls?.length === 1 && calls[0]!.state === 'ringing' && calls;
    });
    expect(ringing).to.include({ from: caller, to: callee });
    expect(await inProgress()).to.equal(1);

    // Answered: heard, then listed once (one bridge, both channels).
    expect(await answered).to.equal(200);
    await poll('calls.liveChanged answered', async () => heard.includes('answered'), 3000);
    const [up] = await poll('the call in conversation on the dashboard', async () => {
      const calls = (await dashboard()).liveCalls;
      return calls?.length === 1 && calls[0]!.state === 'up' && calls;
    });
    expect(up).to.include({ from: caller, to: callee });
    expect(up!.channelIds).to.have.length(2);
    expect(await inProgress()).to.equal(1);
    await pause(1000);

    // The admin hangs it up: both phones get a BYE from Asterisk.
    const byes = Promise.all([caller, callee].map((n) => new Promise<string>((resolve) => phone(n).once('bye', resolve))));
    const res = await lab!.admin.post(`/api/system/live-calls/${encodeURIComponent(up!.id)}/hangup`, {});
    expect(res.status, res.text).to.equal(200);
    expect(res.body.channelIds).to.have.members(up!.channelIds);
    expect(await byes).to.have.length(2);
    expect(phone(caller).inCall).to.equal(false);
    expect(phone(callee).inCall).to.equal(false);
    await poll('calls.liveChanged ended', async () => heard.includes('ended'), 3000);
    await poll('no channel left in Asterisk', async () => (await ourChannels()).length === 0, 5000);
    expect((await dashboard()).liveCalls).to.deep.equal([]);
    expect(await inProgress()).to.equal(0);

    const row = await poll('the call log row', async () => {
      const items = (await lab!.admin.get('/api/calls?limit=20')).body.items as Array<{ destination: string; callerNumber: string; status: string; talkSeconds: number }>;
      return items.find((r) => r.destination === callee && r.callerNumber === caller);
    });
    expect(row).to.include({ status: 'answered' });
    expect(row!.talkSeconds).to.be.at.least(1);
    // A second hang-up of the same call: it has ended.
    expect((await lab!.admin.post(`/api/system/live-calls/${encodeURIComponent(up!.id)}/hangup`, {})).status).to.equal(404);
  });

  it('tells an operator trunk whose far end answers OPTIONS (online) from one whose far end does not (offline)', async () => {
    // A UDP port nobody answers on: bound, read, closed.
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.3', resolve));
    const silentPort = silent.address().port;
    silent.close();
    // Watch the qualify results Carillon's dashboard stands on (ContactStatusChange on our own app).
    const url = new URL(realAsterisk.url!);
    const contacts: Array<{ aor: string; contact_status: string }> = [];
    const ws = new WebSocket(`ws://${url.host}/ari/events?app=carillon-dashboard-test&api_key=${realAsterisk.username}:${realAsterisk.password}`);
    ws.on('message', (data) => {
      const event = JSON.parse(String(data));
      if (event.type === 'ContactStatusChange') contacts.push(event.contact_info);
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    try {
      expect((await ari('POST', '/applications/carillon-dashboard-test/subscription?eventSource=endpoint%3APJSIP')).status).to.equal(200);
      const dead = await lab!.admin.post('/api/telephony/trunks', {
        kind: 'operator',
        name: 'Carillon test silent operator',
        host: '127.0.0.3',
        port: silentPort,
        transport: 'udp',
        username: 'carillon-test-silent',
        password: 'carillon-test-secret',
        register: false,
      });
      expect(dead.status, dead.text).to.equal(201);
      lab!.cleanup.unshift(`/api/telephony/trunks/${dead.body.id}`);
      // Asterisk qualifies a fixed contact every qualify_frequency (60 s), the first time up to that long after loading it.
      const answering = await poll('the answering operator online on the dashboard', async () => (await dashboard()).health.trunks.find((t) => t.id === lab!.trunkId && t.state === 'online'), 90_000);
      expect(answering).to.exist;
      await poll('the silent operator qualified Unreachable', async () => contacts.some((c) => c.aor === `trunk-${dead.body.id}` && c.contact_status === 'Unreachable'), 90_000);
      const trunks = (await dashboard()).health.trunks;
      expect(trunks.find((t) => t.id === dead.body.id)).to.include({ state: 'offline' });
      expect(trunks.find((t) => t.id === lab!.trunkId)).to.include({ state: 'online' });
      const metrics = await (await fetch(`${lab!.t.url}/metrics`)).text();
      expect(metrics).to.match(/^carillon_sip_endpoints_registered\{kind="trunk"\} 1$/m);
    } finally {
      ws.close();
    }
  });
});
