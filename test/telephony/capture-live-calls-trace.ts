import fs from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';
import { ari, pause, poll, realAsterisk, startLab, stopLab, type Lab } from './real-asterisk-lab';

/**
 * Not a test: records what a real Asterisk sends over ARI for calls that never enter Stasis (a
 * phone calling a phone, an inbound DID call, both run by the generated dialplan) to applications
 * subscribed to `endpoint:PJSIP` (as Carillon is) and to `channel:` (every channel). Writes
 * test/ari-simulator/traces/11-dialplan-calls.jsonl in the format of the shared reference traces.
 *   with the opt-in suite's variables set (appliance/asterisk/README.md): npx mocha test/telephony/capture-live-calls-trace.ts
 */
const OUT = path.join(__dirname, '..', 'ari-simulator', 'traces', '11-dialplan-calls.jsonl');

describe('capture: ARI events of dialplan calls (writes a trace)', function () {
  this.timeout(180_000);
  let lab: Lab | undefined;
  const lines: unknown[] = [];
  let t0 = Date.now();
  const at = () => Math.round((Date.now() - t0) * 10) / 10;
  const sockets: WebSocket[] = [];

  async function listen(app: string, source: string): Promise<void> {
    const url = new URL(realAsterisk.url!);
    const ws = new WebSocket(`ws://${url.host}/ari/events?app=${app}&api_key=${realAsterisk.username}:${realAsterisk.password}`);
    ws.on('message', (data) => lines.push({ t_ms: at(), dir: 'event', ws: app, event: JSON.parse(String(data)) }));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    sockets.push(ws);
    const query = `eventSource=${encodeURIComponent(source)}`;
    lines.push({ t_ms: at(), dir: 'req', method: 'POST', path: `/ari/applications/${app}/subscription`, query });
    const res = await ari('POST', `/applications/${app}/subscription?${query}`);
    lines.push({ t_ms: at(), dir: 'res', status: res.status, body: res.body });
  }

  async function rest(method: string, resource: string): Promise<any> {
    lines.push({ t_ms: at(), dir: 'req', method, path: `/ari${resource.split('?')[0]}`, ...(resource.includes('?') ? { query: resource.split('?')[1] } : {}) });
    const res = await ari(method, resource);
    lines.push({ t_ms: at(), dir: 'res', status: res.status, body: res.body });
    return res.body;
  }

  const note = (text: string) => lines.push({ t_ms: at(), dir: 'note', text });

  before(async function () {
    await startLab(this, { name: 'live-calls-trace', numbers: ['871', '872'], did: '+33100000871' }, (started) => (lab = started));
  });

  after(async () => {
    for (const ws of sockets) ws.close();
    await stopLab(lab);
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    // Kept short: the generated dialplan's Gosub/Set steps make about 60 ChannelDialplan and 60
    // ChannelVarset events per call leg; only their counts are kept, and the Dial/AppDial steps.
    const dropped = new Map<string, number>();
    const kept = lines.filter((l: any) => {
      const type = l.dir === 'event' ? l.event.type : null;
      const churn = type === 'ChannelVarset' || (type === 'ChannelDialplan' && !['Dial', 'AppDial', 'AppDial2', 'Stasis'].includes(l.event.dialplan_app));
      if (churn) dropped.set(`${l.ws} ${type}`, (dropped.get(`${l.ws} ${type}`) ?? 0) + 1);
      return !churn;
    });
    kept.push({ t_ms: at(), dir: 'meta', dropped: Object.fromEntries(dropped), note: 'events left out of this file (dialplan steps other than Dial/AppDial, variables), counted per socket and type' });
    fs.writeFileSync(OUT, kept.map((l) => JSON.stringify(l)).join('\n') + '\n');
  });

  it('records a phone-to-phone call, an inbound DID call, a hang-up by DELETE while ringing and a trunk state read', async () => {
    t0 = Date.now();
    lines.push({ t_ms: 0, dir: 'meta', scenario: '11-dialplan-calls', description: 'Calls run by the generated dialplan (never in Stasis), seen by app trace-ep subscribed to endpoint:PJSIP and app trace-ch subscribed to channel: (every channel). 872 calls 871 (answers after 1.5 s, caller BYE 2 s later); the operator trunk calls the DID routed to 871 (answers after 1 s, operator BYE 2 s later); 872 calls 871 which rings, and the channels are DELETEd over ARI.' });
    await listen('trace-ep', 'endpoint:PJSIP');
    await listen('trace-ch', 'channel:');
    const phone = (n: string) => lab!.phoneOf(n);

    note('A: 872 calls 871; 871 answers after 1.5 s');
    phone('871').behaviour = { kind: 'answer', afterMs: 1500 };
    const answered = phone('872').call('871');
    await pause(700);
    await rest('GET', '/channels');
    await rest('GET', '/bridges');
    await answered;
    await pause(500);
    await rest('GET', '/channels');
    await rest('GET', '/bridges');
    await pause(1500);
    note('A: 872 sends BYE');
    await phone('872').hangup();
    await pause(1500);

    note('B: the operator calls the DID; 871 answers after 1 s');
    phone('871').behaviour = { kind: 'answer', afterMs: 1000 };
    await lab!.operator.call('+33100000871');
    await pause(500);
    await rest('GET', '/channels');
    await rest('GET', '/bridges');
    await pause(1500);
    note('B: the operator sends BYE');
    await lab!.operator.hangup();
    await pause(1500);

    note('C: 872 calls 871, which rings; the caller\'s channel is DELETEd over ARI (the dashboard\'s hang-up of a ringing call)');
    phone('871').behaviour = { kind: 'ring' };
    const refused = phone('872').call('871').catch(() => 0);
    await pause(1000);
    const channels = (await rest('GET', '/channels')) as Array<{ id: string; name: string }>;
    await rest('GET', '/bridges');
    await rest('DELETE', `/channels/${channels.find((c) => c.name.startsWith('PJSIP/872-'))!.id}`);
    await refused;
    await poll('no channel left', async () => ((await ari('GET', '/channels')).body as unknown[]).length === 0);
    await pause(1000);

    note('D: A answered, then the callee BYE (871 hangs up)');
    phone('871').behaviour = { kind: 'answer', afterMs: 500 };
    await phone('872').call('871');
    await pause(1000);
    await phone('871').hangupIncoming();
    await pause(1500);

    note('E: the operator trunk (register=no): its endpoint state and registration object, as the far end answers OPTIONS');
    await rest('GET', `/endpoints/PJSIP/trunk-${lab!.trunkId}`);
    await rest('GET', `/asterisk/config/dynamic/res_pjsip/registration/trunk-${lab!.trunkId}`);
    await rest('GET', '/applications/trace-ep');

    note('F: a channel originated into trace-ep (also subscribed to endpoint:PJSIP): is each event sent once?');
    phone('871').behaviour = { kind: 'answer', afterMs: 300 };
    const originated = await rest('POST', '/channels?endpoint=PJSIP/871&app=trace-ep');
    await pause(1200);
    await rest('DELETE', `/channels/${originated.id}`);
    await pause(1000);

    note('G: the trunk set to register=yes (the far end answers REGISTER 501): registration object and endpoint');
    const patched = await lab!.admin.patch(`/api/telephony/trunks/${lab!.trunkId}`, { register: true });
    note(`PATCH trunk register=true: ${patched.status}`);
    await pause(4000);
    await rest('GET', `/asterisk/config/dynamic/res_pjsip/registration/trunk-${lab!.trunkId}`);
    await rest('GET', `/endpoints/PJSIP/trunk-${lab!.trunkId}`);
    await rest('GET', '/asterisk/info?only=status');
  });
});
