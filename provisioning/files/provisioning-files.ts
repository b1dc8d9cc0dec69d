import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../core/logging/logger';
import type { DeviceService, LoadedDevice } from '../devices/device-service';
import { posixTimeZone } from '../devices/posix-time-zone';
import { parseMac } from '../mac';
import type { Device } from '../models';
import type { PhonebookService } from '../phonebook/phonebook-service';
import type { BanList } from '../security/ban-list';
import { HttpAuth, parseAuthorization } from '../security/http-auth';
import { normaliseIp, type NetworkPolicy } from '../security/network-policy';
import type { SecretPathService } from '../security/secret-path';
import type { PhoneConfigContext } from '../vendors/vendor';
import type { VendorRegistry } from '../vendors/vendor-registry';
import { RenderedFiles } from './rendered-files';
import { hostPort, localAddressFor } from './server-address';

export interface FileRequest {
  protocol: 'http' | 'tftp';
  /** The path under `/provisioning/`, without the leading slash: `cfgc074ad123456.xml`, `phonebook/c074ad123456.xml`, `s/<key>/cfgc074ad123456.xml`. */
  path: string;
  ip: string;
  userAgent: string;
  /** HTTP only. */
  method?: string;
  /** HTTP: the request target as sent (what a Digest answer is computed over). */
  uri?: string;
  authorization?: string;
  /** The Host header (HTTP): where the phone reached Carillon. */
  host?: string | null;
  /** HTTP: the local port the request came in on. */
  localPort?: number;
}

export type FileAnswer =
  | { status: 200; body: Buffer; contentType: string; etag?: string; lastModified?: Date; logged?: Record<string, unknown> }
  | { status: 200; file: string; size: number; contentType: string }
  | { status: 401 | 403 | 404; reason: string; challenges?: string[] };

const BANNED: FileAnswer = { status: 403, reason: 'client_banned' };

export interface ProvisioningFilesOptions {
  devices: DeviceService;
  vendors: VendorRegistry;
  phonebook: PhonebookService;
  policy: NetworkPolicy;
  bans: BanList;
  secretPath: SecretPathService;
  logger: Logger;
  firmwareDir: string;
  ntpServer: string;
  /** `provisioning.serverHost`, when set. */
  serverHost: string | null;
  /** The HTTP port phones use (http.plainPort with TLS, else http.port; 0 until known). */
  httpPort: () => number;
  sipPort: () => Promise<number>;
}

const PHONEBOOK_MINUTES = 120;
const FIRMWARE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const HOST_HEADER = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

/** A request once its path is read: `secretKey` is the site's key when it came on the secret path. */
type Located = FileRequest & { secretKey: string | null };
/** What an assigned phone's request may have: its secrets, or a file without them (and why, for the log). */
type Access = { secrets: true } | { secrets: false; withheld: string };

/** The secret path's key never reaches a log. */
export function redactSecretPath(path: string): string {
  return path.replace(/(^|\/)s\/[^/]*/, '$1s/…');
}

/**
 * What `/provisioning/<path>` answers, for HTTP and TFTP alike (the same bytes): phones'
 * configuration files, the phonebook and firmware, after the network, ban and credential
 * checks. Every answer is logged without its content.
 */
export class ProvisioningFiles {
  private readonly auth = new HttpAuth();
  private readonly rendered = new RenderedFiles();
  /** The port phones' HTTP requests arrive on, for files served over TFTP when http.port is 0 (chosen at start). */
  private observedHttpPort = 0;

  constructor(private readonly options: ProvisioningFilesOptions) {}

  async answer(request: FileRequest): Promise<FileAnswer> {
    const ip = normaliseIp(request.ip);
    if (request.localPort) this.observedHttpPort = request.localPort;
    const answer = await this.decide({ ...request, ip });
    const logged = { protocol: request.protocol, file: redactSecretPath(request.path).slice(0, 200), ip, status: answer.status, userAgent: request.userAgent.slice(0, 200) || undefined };
    if (answer.status === 200) this.options.logger.info({ ...logged, ...('logged' in answer ? answer.logged : {}), bytes: 'body' in answer ? answer.body.length : answer.size }, 'provisioning file served');
    else this.options.logger.info({ ...logged, reason: answer.reason }, 'provisioning file refused');
    return answer;
  }

  private async decide(request: FileRequest): Promise<FileAnswer> {
    const { bans, policy } = this.options;
    if (bans.isBanned(request.ip)) return BANNED;
    if (!policy.allows(request.ip)) return { status: 403, reason: 'network_not_allowed' };
    let parts = request.path.split('/');
    let secretKey: string | null = null;
    if (parts[0] === 's') {
      const key = parts[1] ?? '';
      // Guessing the key counts toward the ban like guessing MACs.
      if (parts.length < 3 || !(await this.options.secretPath.matches(key))) return (await bans.strike(request.ip, 'bad_path', key.slice(0, 64))) ? BANNED : { status: 404, reason: 'no_such_path' };
      secretKey = key;
      parts = parts.slice(2);
    }
    const located = { ...request, secretKey };
    if (parts[0] === 'phonebook') return this.phonebook(located, parts.slice(1));
    if (parts[0] === 'firmware' && parts.length === 2) return this.firmware(parts[1]!);
    if (parts.length === 1) return this.config(located, parts[0]!);
    return { status: 404, reason: 'no_such_file' };
  }

  private async config(request: Located, fileName: string): Promise<FileAnswer> {
    const file = this.options.vendors.configFile(fileName);
    // Generic names (cfg.xml) and other vendors' names: nothing to give.
    if (!file) return { status: 404, reason: 'no_such_file' };
    const loadedKnown = await this.options.devices.byMacLoaded(file.mac);
    const known = loadedKnown?.device ?? null;
    let access: Access = { secrets: false, withheld: 'not_assigned' };
    if (known?.status === 'assigned') {
      const decided = await this.access(request, known);
      if ('status' in decided) return decided;
      access = decided;
    } else if (await this.options.bans.strike(request.ip, 'unknown_mac', file.mac)) {
      // Counted per distinct MAC: a phone rebooting is one strike, a scan of the MAC space many.
      return BANNED;
    }
    // Recorded only when the User-Agent or the MAC's manufacturer names a known vendor: a scan of names is not a phone.
    const device = await this.options.devices.sighted({ mac: file.mac, ip: request.ip, userAgent: request.userAgent, file: fileName }, known);
    if (!device) return { status: 404, reason: 'unknown_phone' };
    // The phone may just have told a model other than the one recorded: its capabilities follow.
    const loaded = loadedKnown ? { ...loadedKnown, capabilities: this.options.vendors.capabilities(device.vendor, device.model) } : await this.options.devices.load(device);
    const vendor = loaded.vendor ?? file.vendor;
    // An assigned phone that gets no secret gets only where to fetch: nothing it has is overwritten.
    const scope = device.status === 'assigned' && !access.secrets ? 'redirect' : 'full';
    const context = await this.context(loaded, request, scope, access.secrets);
    const body = this.rendered.render(vendor, context);
    // What was sent, never the values: whether it held the phone's secrets, why not, and how much of the configuration.
    const withheld = access.secrets ? {} : { withheld: access.withheld };
    return { status: 200, body, contentType: 'application/xml; charset=utf-8', logged: { mac: device.mac, deviceStatus: device.status, scope, withSecrets: context.withSecrets, ...withheld } };
  }

  /**
   * An assigned phone's secrets go to the first request on the secret path within its claim
   * window (which claims it), and after that only to a request answering the Digest challenge
   * with its own credentials: never to a request whose only proof is a MAC address.
   */
  private async access(request: Located, device: Device): Promise<Access | FileAnswer> {
    let claimed = device.claimedAt !== null;
    if (!claimed && request.secretKey !== null) {
      if (await this.options.devices.claim(device, request.ip)) return { secrets: true };
      // Lost to a request at the same moment (the window is still open): the phone is claimed now.
      claimed = (device.claimWindowUntil?.getTime() ?? 0) > Date.now();
    }
    if (!claimed) return { secrets: false, withheld: request.secretKey === null ? 'outside_secret_path' : 'claim_window_closed' };
    // TFTP cannot authenticate: after the claim it only points to HTTP.
    if (request.protocol === 'tftp') return { secrets: false, withheld: 'tftp_cannot_authenticate' };
    return this.authenticate(request, device);
  }

  /** A claimed phone's credentials, asked for with a challenge (clients that only answer challenges are challenged); a wrong answer counts toward the ban. */
  private async authenticate(request: Located, device: Device): Promise<{ secrets: true } | FileAnswer> {
    const uri = request.uri ?? '';
    const presented = parseAuthorization(request.authorization);
    if (!presented) return { status: 401, reason: 'credentials_required', challenges: [this.auth.challenge(uri)] };
    const verdict = this.auth.verify(presented, this.options.devices.httpCredentials(device), request.method ?? 'GET', uri);
    if (verdict === 'ok') {
      await this.options.devices.confirmCredentials(device);
      return { secrets: true };
    }
    if (verdict === 'bad' && (await this.options.bans.strike(request.ip, 'bad_credentials', `${device.mac}:${Date.now()}`))) return BANNED;
    return { status: 401, reason: verdict === 'stale' ? 'stale_nonce' : 'bad_credentials', challenges: [this.auth.challenge(uri, verdict === 'stale')] };
  }

  /** The whole directory: to a claimed phone answering its challenge, over HTTP only. */
  private async phonebook(request: Located, rest: string[]): Promise<FileAnswer> {
    // `phonebook/<mac>.xml`, or `phonebook/<mac>/phonebook.xml` as Grandstream appends to its phonebook path.
    const name = rest.length === 1 ? /^([0-9a-fA-F]{12})\.xml$/.exec(rest[0]!)?.[1] : rest.length === 2 && rest[1] === 'phonebook.xml' ? rest[0] : undefined;
    const mac = name ? parseMac(name) : null;
    if (!mac) return { status: 404, reason: 'no_such_file' };
    const device = (await this.options.devices.byMacLoaded(mac))?.device;
    if (!device || device.status !== 'assigned') {
      if (await this.options.bans.strike(request.ip, 'unknown_mac', mac)) return BANNED;
      return { status: 404, reason: 'unknown_phone' };
    }
    if (request.protocol === 'tftp') return { status: 403, reason: 'tftp_cannot_authenticate' };
    if (!device.claimedAt) return { status: 403, reason: 'phone_not_claimed' };
    const authenticated = await this.authenticate(request, device);
    if ('status' in authenticated) return authenticated;
    const vendor = this.options.vendors.get(device.vendor);
    if (!vendor) return { status: 404, reason: 'unknown_vendor' };
    const rendered = await this.options.phonebook.render(vendor);
    return { status: 200, body: rendered.body, contentType: 'application/xml; charset=utf-8', etag: rendered.etag, lastModified: rendered.lastModified };
  }

  private async firmware(name: string): Promise<FileAnswer> {
    if (!FIRMWARE_NAME.test(name)) return { status: 404, reason: 'no_such_file' };
    const file = path.join(this.options.firmwareDir, name);
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile()) return { status: 404, reason: 'no_such_file' };
      return { status: 200, file, size: stat.size, contentType: 'application/octet-stream' };
    } catch {
      return { status: 404, reason: 'no_such_file' };
    }
  }

  /** Where the phone must come back over HTTP: its Host header, the configured host, or this machine's address on its network. */
  private serverHost(request: FileRequest): string {
    if (this.options.serverHost) return this.options.serverHost;
    if (request.host && HOST_HEADER.test(request.host)) return request.host;
    return hostPort(localAddressFor(request.ip), this.options.httpPort() || this.observedHttpPort || null);
  }

  private async context(loaded: LoadedDevice, request: Located, scope: 'full' | 'redirect', secrets: boolean): Promise<PhoneConfigContext> {
    const { device, capabilities } = loaded;
    const httpHost = this.serverHost(request);
    const sipHost = httpHost.replace(/:\d+$/, '');
    const modelOverride = device.model ? await this.options.devices.modelOverride(device.vendor, capabilities?.model ?? device.model) : {};
    // The secret path goes to requests that showed it, and to a phone that proved itself (after a rotation, it moves to the new one).
    const key = request.secretKey ?? (secrets ? (await this.options.secretPath.reveal()).key : null);
    const configPath = key === null ? null : `${httpHost}/provisioning/s/${key}`;
    return {
      mac: device.mac,
      capabilities,
      withSecrets: secrets,
      scope,
      server: {
        httpHost,
        configPath,
        firmwarePath: `${httpHost}/provisioning/firmware`,
        phonebookPath: configPath && `${configPath}/phonebook/${device.mac}`,
        sipHost,
        sipPort: await this.options.sipPort(),
        ntpServer: this.options.ntpServer,
      },
      device: {
        label: device.label,
        language: device.language,
        posixTimeZone: device.timeZone ? posixTimeZone(device.timeZone) : null,
        vlan: device.vlanId === null ? null : { id: device.vlanId, priority: device.vlanPriority },
        expansionModules: device.expansionModules,
        audio: { handsetMicGainDb: device.handsetMicGainDb, headsetMicGainDb: device.headsetMicGainDb },
        adminPassword: secrets ? this.options.devices.adminPassword(device) : null,
        httpCredentials: secrets ? this.options.devices.httpCredentials(device) : null,
      },
      accounts: secrets
        ? loaded.accounts.map(({ account, extension }) => ({
            index: account.position,
            number: extension.number,
            name: extension.name,
            label: device.lcdDisplay === 'number' ? extension.number : extension.name,
            userId: extension.sipUsername,
            authId: extension.sipUsername,
            password: this.options.devices.unseal(extension.sipPasswordSealed),
          }))
        : [],
      keys: secrets ? device.programmableKeys : [],
      phonebookIntervalMinutes: secrets && this.options.phonebook.sources().length ? PHONEBOOK_MINUTES : 0,
      extraValues: { ...modelOverride, ...device.extraValues },
    };
  }
}
