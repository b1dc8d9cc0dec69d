import net from 'node:net';
import type { CarillonConfig } from '../config/schema';
import type { DatabaseHealth } from './database-probe';
import type { MailSettings } from './system-settings-service';

/**
 * One part of the PBX on the dashboard. `not_configured` (nothing to run yet: the admin has a step
 * to do) is not `down` (set up, and failing now): they call for different actions.
 */
export type PartState = 'ok' | 'down' | 'degraded' | 'not_configured' | 'unknown';
export type PartId = 'asterisk' | 'database' | 'mail' | 'provisioning' | 'trunks';

/** Where to fix a part: an admin page, or a key of the configuration file (no page sets it). */
export type FixLink = { page: string } | { configKey: string };

export interface ServicePart {
  id: PartId;
  state: PartState;
  /** A short machine-readable reason (`connecting`, `unreachable`, `disabled`, `no_trunk`…): the UI words it. */
  reason: string | null;
  /** What the failing system said, as is (an error message); null when there is nothing to add. */
  detail: string | null;
  fix: FixLink | null;
}

export type TrunkState = 'online' | 'offline' | 'unknown';

/** A trunk as the dashboard shows it: its SIP endpoint's state as Asterisk reports it over ARI. */
export interface TrunkStatus {
  id: number;
  name: string;
  kind: 'operator' | 'peer';
  /** Operator trunks: Carillon sends REGISTER to the operator. */
  register: boolean;
  /**
   * `GET /ari/endpoints`: an operator trunk is online when its operator answers the OPTIONS qualify
   * (its AOR has a fixed contact and `qualify_frequency`); a peer trunk is online while the other
   * IPBX is registered to Carillon. `unknown`: Asterisk cannot be asked.
   */
  state: TrunkState;
}

export function asteriskPart(telephony: { state: string; lastError: string | null }): ServicePart {
  switch (telephony.state) {
    case 'connected':
      return { id: 'asterisk', state: 'ok', reason: null, detail: null, fix: null };
    case 'not_installed':
      return { id: 'asterisk', state: 'not_configured', reason: 'not_installed', detail: null, fix: { configKey: 'telephony.engine' } };
    case 'not_configured':
      return { id: 'asterisk', state: 'not_configured', reason: 'no_ari_url', detail: null, fix: { configKey: 'telephony.ari.url' } };
    default:
      return { id: 'asterisk', state: 'down', reason: telephony.state, detail: telephony.lastError, fix: { configKey: 'telephony.ari' } };
  }
}

export function databasePart(database: DatabaseHealth): ServicePart {
  return database.reachable
    ? { id: 'database', state: 'ok', reason: null, detail: null, fix: null }
    : { id: 'database', state: 'down', reason: 'unreachable', detail: database.error ?? null, fix: { configKey: 'database.url' } };
}

export function provisioningPart(config: CarillonConfig, tftpPort: number | null): ServicePart {
  if (!config.provisioning.enabled) return { id: 'provisioning', state: 'not_configured', reason: 'disabled', detail: null, fix: { configKey: 'provisioning.enabled' } };
  // HTTP provisioning runs inside Carillon (it is up if this answers); TFTP may fail to bind its port.
  if (config.provisioning.tftp.enabled && tftpPort === null) {
    return { id: 'provisioning', state: 'degraded', reason: 'tftp_not_listening', detail: null, fix: { configKey: 'provisioning.tftp' } };
  }
  return { id: 'provisioning', state: 'ok', reason: null, detail: null, fix: null };
}

export function trunksPart(trunks: TrunkStatus[] | null, asteriskConnected: boolean): ServicePart {
  const fix = { page: '/telephony/trunks' };
  if (trunks === null || trunks.length === 0) return { id: 'trunks', state: 'not_configured', reason: 'no_trunk', detail: null, fix };
  if (!asteriskConnected) return { id: 'trunks', state: 'unknown', reason: 'asterisk_unreachable', detail: null, fix: null };
  const offline = trunks.filter((t) => t.state === 'offline');
  if (offline.length === 0) return { id: 'trunks', state: 'ok', reason: null, detail: null, fix: null };
  return { id: 'trunks', state: offline.length === trunks.length ? 'down' : 'degraded', reason: 'offline', detail: offline.map((t) => t.name).join(', '), fix };
}

/**
 * The mail server is checked by opening a TCP connection to it (no login, no message): enough to
 * tell "unreachable" from "set up", without sending anything. The answer is kept a minute, since
 * a dashboard reloads on every call event.
 */
export class MailProbe {
  private cached: { key: string; at: number; result: Promise<string | null> } | null = null;

  constructor(
    private readonly timeoutMs = 3000,
    private readonly ttlMs = 60_000,
  ) {}

  async part(mail: MailSettings | null, now = Date.now()): Promise<ServicePart> {
    if (!mail?.host) return { id: 'mail', state: 'not_configured', reason: 'no_server', detail: null, fix: { page: '/admin/settings' } };
    const key = `${mail.host}:${mail.port}`;
    if (!this.cached || this.cached.key !== key || now - this.cached.at > this.ttlMs) this.cached = { key, at: now, result: this.connect(mail.host, mail.port) };
    const error = await this.cached.result;
    return error === null
      ? { id: 'mail', state: 'ok', reason: null, detail: null, fix: null }
      : { id: 'mail', state: 'down', reason: 'unreachable', detail: error, fix: { page: '/admin/settings' } };
  }

  /** Null when a connection opened; otherwise why not. */
  private connect(host: string, port: number): Promise<string | null> {
    return new Promise((resolve) => {
      const socket = net.connect({ host: host.replace(/^\[|\]$/g, ''), port });
      let settled = false;
      const done = (error: string | null) => {
        if (settled) return;
        settled = true;
        socket.destroy();
        resolve(error);
      };
      socket.setTimeout(this.timeoutMs, () => done(`no answer from ${host}:${port} within ${this.timeoutMs / 1000} s`));
      socket.once('connect', () => done(null));
      socket.on('error', (err: NodeJS.ErrnoException) => done(`${err.code ?? 'error'} connecting to ${host}:${port}`));
    });
  }
}
