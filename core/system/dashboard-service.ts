import { Op, fn, col, type Sequelize, type WhereOptions } from 'sequelize';
import type { Identity } from '../auth/authenticator';
import type { CarillonConfig } from '../config/schema';
import { HttpError } from '../http/problem';
import { Trunk } from '../telephony/resources/models';
import { CallRecord } from '../calls/call-models';
import { CALL_STATUSES, type CallStatus } from '../calls/call-status';
import type { ExtensionDirectory } from '../calls/extension-directory';
import type { Logger } from '../logging/logger';
import type { PluginHost } from '../plugins/plugin-host';
import type { AriBridge, AriChannel } from '../telephony/ari/ari-types';
import type { TelephonyStatus } from '../telephony/engine-status';
import type { TelephonyService } from '../telephony/telephony-service';
import { probeDatabase, type DatabaseHealth } from './database-probe';
import { dayBounds } from './day-bounds';
import type { EventLoopLag, EventLoopLagMonitor } from './event-loop-lag';
import { readHostFigures, type HostFigures } from './host-figures';
import { MailProbe, asteriskPart, databasePart, provisioningPart, trunksPart, type ServicePart, type TrunkStatus } from './service-parts';
import type { SystemSettingsService } from './system-settings-service';
import type { FirstRunChecklist, FirstRunChecklistService } from './first-run-checklist';

export interface LiveCall {
  /** The bridge id, or the channel id of a call not bridged yet. */
  id: string;
  from: string;
  to: string;
  startedAt: string;
  state: 'up' | 'ringing';
  /** The channels a hang-up ends (both sides of a bridged call). */
  channelIds: string[];
}

/** `GET /api/system/dashboard`: each part is present only when the caller may see it. */
export interface Dashboard {
  /** `system.read`. */
  health?: {
    status: 'ok' | 'degraded';
    /** Version, uptime, disk of the data folder, CPU load, memory. */
    system: HostFigures;
    /** Asterisk, database, mail, provisioning, trunks: ok, down, degraded, not configured, with where to fix it. */
    parts: ServicePart[];
    /** Every trunk with its endpoint's state; states `unknown` while Asterisk cannot be asked. */
    trunks: TrunkStatus[];
    database: DatabaseHealth;
    telephony: { state: string; connected: boolean; lastError: string | null };
    plugins: Array<{ id: string; version: string | null; state: string; error?: { code: string; message: string } }>;
    /** Event-loop lag over the last minute; null until the monitor runs. */
    eventLoop: EventLoopLag | null;
  };
  /** `system.settings.manage`: what a new PBX still needs (company, region, Asterisk, extensions, trunk, DID). */
  checklist?: FirstRunChecklist;
  /** `calls.read`; null when Asterisk cannot be asked. */
  liveCalls?: LiveCall[] | null;
  /** `registrations.read`: extensions with a reachable contact; null when Asterisk cannot be asked. */
  registeredPhones?: number | null;
  /** `calls.read` (every call) or `calls.read.own` (the user's extensions): calls since midnight in the user's time zone. */
  today?: { from: string; to: string; total: number; byStatus: Record<CallStatus, number> };
}

export interface DashboardDeps {
  sequelize: Sequelize;
  telephonyStatus: TelephonyStatus;
  telephony: TelephonyService;
  pluginHost: PluginHost;
  extensionLookup: ExtensionDirectory;
  eventLoopLag: EventLoopLagMonitor;
  systemSettings: SystemSettingsService;
  config: CarillonConfig;
  /** The TFTP server's bound port, or null when it is not listening. */
  tftpPort: () => number | null;
  checklist: FirstRunChecklistService;
  logger: Logger;
}

/** Channels that are not calls of their own: the `;2` half of a Local channel, snooping channels. */
function isAuxiliary(channel: AriChannel): boolean {
  return channel.name.startsWith('Snoop/') || (channel.name.startsWith('Local/') && channel.name.endsWith(';2'));
}

/**
 * Whom a lone channel calls. Asterisk gives an originated channel the same caller and connected
 * party (trace 03a: both the caller id Carillon set) and the dialplan extension `s`: then the
 * called side is the endpoint in the channel's name (`PJSIP/401-0000001f` → 401).
 */
function calledOf(channel: AriChannel): string {
  if (channel.connected.number && channel.connected.number !== channel.caller.number) return channel.connected.number;
  if (channel.dialplan.exten && channel.dialplan.exten !== 's') return channel.dialplan.exten;
  return /^[^/]+\/(.+)-[0-9a-f]+$/.exec(channel.name)?.[1] ?? channel.connected.number;
}

/**
 * The called side of a call not bridged yet, whose caller is already counted: a channel ringing
 * (state `Ringing`), or one that a dialplan `Dial()` made (application `AppDial`: `Down` until the
 * phone's 180, then `Up` a moment before Dial() bridges it; trace 11).
 */
function isCalledSide(channel: AriChannel): boolean {
  return channel.state === 'Ringing' || channel.dialplan.app_name === 'AppDial';
}

/**
 * Live calls from Asterisk's channels (dialplan calls too, which never enter the application):
 * channels in one bridge are one call; an unbridged channel is a call being set up, except the
 * called side of a ringing call (state `Ringing`), whose caller is already counted.
 */
export function liveCallsOf(channels: AriChannel[], bridges: AriBridge[]): LiveCall[] {
  const byId = new Map(channels.filter((c) => !isAuxiliary(c)).map((c) => [c.id, c]));
  const bridged = new Set<string>();
  const calls: LiveCall[] = [];
  for (const bridge of bridges) {
    const members = bridge.channels.map((id) => byId.get(id)).filter((c): c is AriChannel => !!c);
    if (!members.length) continue;
    members.sort((a, b) => a.creationtime.localeCompare(b.creationtime));
    for (const member of members) bridged.add(member.id);
    const [first, second] = members;
    calls.push({
      id: bridge.id,
      from: first.caller.number,
      to: second?.caller.number || calledOf(first),
      startedAt: new Date(first.creationtime).toISOString(),
      state: 'up',
      channelIds: members.map((m) => m.id),
    });
  }
  for (const channel of byId.values()) {
    if (bridged.has(channel.id) || isCalledSide(channel)) continue;
    calls.push({
      id: channel.id,
      from: channel.caller.number,
      to: calledOf(channel),
      startedAt: new Date(channel.creationtime).toISOString(),
      state: channel.state === 'Up' ? 'up' : 'ringing',
      // The called side ringing goes with its caller: hanging up the caller ends the attempt.
      channelIds: [channel.id],
    });
  }
  return calls.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** The figures of the dashboard, each part computed only for a caller allowed to see it. */
export class DashboardService {
  private readonly startedAt = Date.now();
  private readonly mailProbe = new MailProbe();

  constructor(private readonly deps: DashboardDeps) {}

  /**
   * Hangs up a live call (`id` as listed: a bridge or a channel) through the telephony command API:
   * every channel of it, so that neither side is left alone in a bridge. 404 when the call has ended.
   */
  async hangUp(id: string): Promise<{ id: string; channelIds: string[] }> {
    if (!this.deps.telephony.connected) throw new HttpError(503, 'telephony_unavailable', 'Asterisk unreachable', 'Asterisk cannot be reached right now; the call cannot be hung up from here.');
    const calls = await this.liveCalls();
    const call = calls?.find((c) => c.id === id);
    if (!call) throw HttpError.notFound('live call', 'This call has already ended.');
    await Promise.all(call.channelIds.map((channelId) => this.deps.telephony.channel(channelId).hangup()));
    return { id: call.id, channelIds: call.channelIds };
  }

  async forUser(identity: Identity, now = new Date()): Promise<Dashboard> {
    const can = (permission: string) => identity.permissions.has(permission);
    const [health, checklist, liveCalls, registeredPhones, today] = await Promise.all([
      can('system.read') ? this.health() : undefined,
      can('system.settings.manage') ? this.deps.checklist.get() : undefined,
      can('calls.read') ? this.liveCalls() : undefined,
      can('registrations.read') ? this.registeredPhones() : undefined,
      can('calls.read') ? this.today(identity.user.timeZone, now, null) : can('calls.read.own') ? this.today(identity.user.timeZone, now, await this.deps.extensionLookup.numbersOfUser(identity.user.id)) : undefined,
    ]);
    return {
      ...(health ? { health } : {}),
      ...(checklist ? { checklist } : {}),
      ...(liveCalls !== undefined ? { liveCalls } : {}),
      ...(registeredPhones !== undefined ? { registeredPhones } : {}),
      ...(today ? { today } : {}),
    };
  }

  private async health(): Promise<NonNullable<Dashboard['health']>> {
    const database = await probeDatabase(this.deps.sequelize);
    const snapshot = this.deps.telephonyStatus.snapshot;
    const telephony = { state: snapshot.state, connected: snapshot.state === 'connected', lastError: snapshot.lastError };
    const plugins = this.deps.pluginHost.list().map((p) => ({ id: p.id, version: p.version, state: p.state, ...(p.error ? { error: p.error } : {}) }));
    const ok = database.reachable && telephony.connected && plugins.every((p) => p.state !== 'failed');
    const [system, trunks, mail] = await Promise.all([readHostFigures(this.deps.config.resolved.dataDir, this.startedAt), this.trunks(database.reachable), this.mailPart(database.reachable)]);
    const parts = [asteriskPart(snapshot), databasePart(database), mail, provisioningPart(this.deps.config, this.deps.tftpPort()), trunksPart(trunks, telephony.connected)];
    return { status: ok ? 'ok' : 'degraded', system, parts, trunks: trunks ?? [], database, telephony, plugins, eventLoop: this.deps.eventLoopLag.snapshot() };
  }

  private async mailPart(databaseUp: boolean): Promise<ServicePart> {
    if (!databaseUp) return { id: 'mail', state: 'unknown', reason: 'database_unreachable', detail: null, fix: null };
    return this.mailProbe.part(await this.deps.systemSettings.mailServer());
  }

  /**
   * The trunks the database knows (null when it cannot be read), each with its endpoint's state
   * from one `GET /endpoints` (or from `endpoints` when the caller has just read them).
   */
  async trunks(databaseUp = true, endpoints?: Array<{ technology: string; resource: string; state?: string }> | null): Promise<TrunkStatus[] | null> {
    if (!databaseUp) return null;
    const rows = await Trunk.findAll({ attributes: ['id', 'kind', 'name', 'username', 'register'], order: [['name', 'ASC']] });
    const listed = endpoints === undefined ? await this.endpoints() : endpoints;
    const states = listed ? new Map(listed.filter((e) => e.technology === 'PJSIP').map((e) => [e.resource, e.state ?? 'unknown'])) : null;
    return rows.map((t) => {
      // The endpoint names the generated pjsip configuration gives (pjsip-view.ts).
      const endpoint = t.kind === 'operator' ? `trunk-${t.id}` : t.username;
      const state = states?.get(endpoint);
      return { id: t.id, name: t.name, kind: t.kind, register: t.register, state: state === 'online' ? 'online' : state === 'offline' ? 'offline' : 'unknown' };
    });
  }

  /** Every endpoint Asterisk knows, with its state; null when Asterisk cannot be asked. */
  async endpoints(): Promise<Array<{ technology: string; resource: string; state?: string }> | null> {
    if (!this.deps.telephony.connected) return null;
    try {
      return await this.deps.telephony.rest().listEndpoints();
    } catch (err) {
      this.deps.logger.warn({ err }, 'cannot read endpoint states');
      return null;
    }
  }

  async liveCalls(): Promise<LiveCall[] | null> {
    if (!this.deps.telephony.connected) return null;
    try {
      const rest = this.deps.telephony.rest();
      const [channels, bridges] = await Promise.all([rest.listChannels(), rest.listBridges()]);
      return liveCallsOf(channels, bridges);
    } catch (err) {
      this.deps.logger.warn({ err }, 'cannot list live calls for the dashboard');
      return null;
    }
  }

  /**
   * Extensions whose SIP endpoint is online, from one `GET /endpoints` (a dashboard reloads on every
   * registration change: one request, not one per extension). ARI may still list removed
   * endpoints: only the extensions the database knows count.
   */
  private async registeredPhones(): Promise<number | null> {
    if (!this.deps.telephony.connected) return null;
    try {
      const [endpoints, extensions] = await Promise.all([this.deps.telephony.rest().listEndpoints(), this.deps.extensionLookup.list()]);
      const online = new Set(endpoints.filter((e) => e.technology === 'PJSIP' && e.state === 'online').map((e) => e.resource));
      return extensions.filter((e) => online.has(e.sipUsername)).length;
    } catch (err) {
      this.deps.logger.warn({ err }, 'cannot read registrations for the dashboard');
      return null;
    }
  }

  private async today(timeZone: string, now: Date, onlyExtensions: string[] | null): Promise<NonNullable<Dashboard['today']>> {
    const { from, to } = dayBounds(now, timeZone);
    const byStatus = Object.fromEntries(CALL_STATUSES.map((s) => [s, 0])) as Record<CallStatus, number>;
    const where: WhereOptions<CallRecord> = { startAt: { [Op.gte]: from, [Op.lt]: to } };
    if (onlyExtensions) {
      if (!onlyExtensions.length) return { from: from.toISOString(), to: to.toISOString(), total: 0, byStatus };
      Object.assign(where, { [Op.or]: [{ extension: { [Op.in]: onlyExtensions } }, { callerExtension: { [Op.in]: onlyExtensions } }] });
    }
    const rows = (await CallRecord.findAll({ attributes: ['status', [fn('COUNT', col('id')), 'count']], where, group: ['status'], raw: true })) as unknown as Array<{ status: CallStatus; count: number | string }>;
    let total = 0;
    for (const row of rows) {
      const n = Number(row.count);
      if (row.status in byStatus) byStatus[row.status] = n;
      total += n;
    }
    return { from: from.toISOString(), to: to.toISOString(), total, byStatus };
  }
}
