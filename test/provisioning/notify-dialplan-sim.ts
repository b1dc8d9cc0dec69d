// `Local/check-sync@carillon-provisioning-notify`: what the generated notify dialplan
// (extensions-carillon-notify.conf) does in Asterisk, reduced to what ARI shows and which phone
// gets the NOTIFY. The simulator runs no dialplan: this takes over those originates only.
import type { AriSimulator } from '../ari-simulator/ari-simulator';
import { fail, FORMATS, type Reply } from '../ari-simulator/replies';
import { channelSnapshot, type SimChannel } from '../ari-simulator/sim-channel';

const CONTEXT = 'carillon-provisioning-notify';
const EXTEN = 'check-sync';

export interface SentNotify {
  endpoint: string;
  /** The phone's address the dialplan filters contacts on ('' for every contact). */
  host: string;
  /** Whether the endpoint had a registered contact (Asterisk sends nothing otherwise). */
  delivered: boolean;
  variables: Record<string, string>;
}

/**
 * Like Asterisk: the originate needs an application (or an extension) and known formats; the
 * `;1` half is subscribed to the application but never answered; the `;2` half runs the
 * context (Set, PJSIPNotify for each matching contact, Hangup), which ends the pair with
 * cause 16. An unknown extension in that context fails the originate (Allocation failed).
 */
export class NotifyDialplanSim {
  readonly sent: SentNotify[] = [];

  constructor(private readonly sim: AriSimulator) {
    const model = sim.model;
    const originate = model.originate.bind(model);
    model.originate = (q, variables) => (q.endpoint?.startsWith('Local/') && q.endpoint.endsWith(`@${CONTEXT}`) ? this.originate(q, variables) : originate(q, variables));
  }

  private originate(q: Record<string, string>, variables: Record<string, string>): Reply {
    const model = this.sim.model;
    if (!q.app && !q.extension) return fail(400, 'Application or extension must be specified');
    for (const format of (q.formats ?? '').split(',').filter(Boolean)) if (!FORMATS.has(format)) return fail(400, `Provided format (${format}) was not found`);
    const exten = q.endpoint.slice('Local/'.length, -`@${CONTEXT}`.length);
    if (exten !== EXTEN) return { status: 500, body: { error: 'Allocation failed' } };
    const id = q.channelId || model.newId();
    const otherId = q.otherChannelId || model.newId();
    if (model.channels.has(id) || model.channels.has(otherId)) return fail(409, 'Channel with given unique ID already exists');
    const suffix = model.newSuffix();
    const none = { name: '', number: '' };
    const one = model.create(id, `Local/${EXTEN}@${CONTEXT}-${suffix};1`, 'local', 'originate', { ...none });
    const two = model.create(otherId, `Local/${EXTEN}@${CONTEXT}-${suffix};2`, 'local', 'originate', { ...none });
    one.peer = two;
    two.peer = one;
    // Local channels copy the first half's variables to the second.
    for (const half of [one, two]) for (const [name, value] of Object.entries(variables)) half.vars.set(name, value);
    one.subscribedApp = q.app ?? null;
    two.subscribedApp = q.app ?? null;
    one.dialplan = { context: CONTEXT, exten: EXTEN, priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' };
    two.dialplan = { context: CONTEXT, exten: EXTEN, priority: 1, app_name: '', app_data: '' };
    const snapshot = channelSnapshot(one);
    setImmediate(() => this.run(one, two));
    return { status: 200, body: snapshot };
  }

  private run(one: SimChannel, two: SimChannel): void {
    const model = this.sim.model;
    if (one.hungUp) return;
    const endpoint = two.vars.get('CARILLON_NOTIFY_ENDPOINT') ?? '';
    const host = two.vars.get('CARILLON_NOTIFY_HOST') ?? '';
    const registered = model.endpoints.get(endpoint)?.registered ?? false;
    model.send(one, null, 'Dial', { dialstatus: '', forward: '', dialstring: `${EXTEN}@${CONTEXT}`, peer: channelSnapshot(one) });
    if (registered) {
      two.dialplan = { ...two.dialplan, priority: 12, app_name: 'PJSIPNotify', app_data: `<sip:${endpoint}@${host || 'contact'}>,carillon-check-sync` };
      model.send(two, null, 'ChannelDialplan', { dialplan_app: 'PJSIPNotify', dialplan_app_data: two.dialplan.app_data, channel: channelSnapshot(two) });
    }
    this.sent.push({ endpoint, host, delivered: registered, variables: Object.fromEntries(two.vars) });
    model.send(two, null, 'ChannelDialplan', { dialplan_app: 'Hangup', dialplan_app_data: '', channel: channelSnapshot(two) });
    model.destroy(two, 16, 'Normal Clearing');
    model.send(one, null, 'ChannelHangupRequest', { cause: 16, channel: channelSnapshot(one) });
    model.destroy(one, 16, 'Normal Clearing');
  }
}
