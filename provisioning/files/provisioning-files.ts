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
import type { PhoneConfigContext } from '../vendors/vendor';
import type { VendorRegistry } from '../vendors/vendor-registry';
import { RenderedFiles } from './rendered-files';
import { hostPort, localAddressFor } from './server-address';

export interface FileRequest {
  protocol: 'http' | 'tftp';
  /** The path under `/provisioning/`, without the leading slash: `cfgc074ad123456.xml`, `phonebook/c074ad123456.xml`. */
  path: string;
  ip: string;
  userAgent: string;
  /** HTTP only. */
  method?: string;
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

export interface ProvisioningFilesOptions {
  devices: DeviceService;
  vendors: VendorRegistry;
  phonebook: PhonebookService;
  policy: NetworkPolicy;
  bans: BanList;
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
    const logged = { protocol: request.protocol, file: request.path.slice(0, 200), ip, status: answer.status, userAgent: request.userAgent.slice(0, 200) || undefined };
    if (answer.status === 200) this.options.logger.info({ ...logged, ...('logged' in answer ? answer.logged : {}), bytes: 'body' in answer ? answer.body.length : answer.size }, 'provisioning file served');
    else this.options.logger.info({ ...logged, reason: answer.reason }, 'provisioning file refused');
    return answer;
  }

  private async decide(request: FileRequest): Promise<FileAnswer> {
    const { bans, policy } = this.options;
    if (bans.isBanned(request.ip)) return { status: 403, reason: 'client_banned' };
    if (!policy.allows(request.ip)) return { status: 403, reason: 'network_not_allowed' };
    const parts = request.path.split('/');
    if (parts[0] === 'phonebook') return this.phonebook(request, parts.slice(1));
    if (parts[0] === 'firmware' && parts.length === 2) return this.firmware(parts[1]!);
    if (parts.length === 1) return this.config(request, parts[0]!);
    return { status: 404, reason: 'no_such_file' };
  }

  private async config(request: FileRequest, fileName: string): Promise<FileAnswer> {
    const file = this.options.vendors.configFile(fileName);
    // Generic names (cfg.xml) and other vendors' names: nothing to give.
    if (!file) return { status: 404, reason: 'no_such_file' };
    const loadedKnown = await this.options.devices.byMacLoaded(file.mac);
    const known = loadedKnown?.device ?? null;
    if (!known || known.status !== 'assigned') {
      // Counted per distinct MAC: a phone rebooting is one strike, a scan of the MAC space many.
      if (this.options.bans.strike(request.ip, 'unknown_mac', file.mac)) return { status: 403, reason: 'client_banned' };
    }
    if (known?.status === 'assigned' && request.protocol === 'http') {
      const refusal = await this.checkCredentials(request, known);
      if (refusal) return refusal;
    }
    // Recorded only when the User-Agent or the MAC's manufacturer names a known vendor: a scan of names is not a phone.
    const device = await this.options.devices.sighted({ mac: file.mac, ip: request.ip, userAgent: request.userAgent, file: fileName }, known);
    if (!device) return { status: 404, reason: 'unknown_phone' };
    // The phone may just have told a model other than the one recorded: its capabilities follow.
    const loaded = loadedKnown ? { ...loadedKnown, capabilities: this.options.vendors.capabilities(device.vendor, device.model) } : await this.options.devices.load(device);
    const vendor = loaded.vendor ?? file.vendor;
    // Over TFTP, a phone that already authenticated over HTTP gets only the way back to HTTP.
    const scope = request.protocol === 'tftp' && device.credentialsConfirmedAt ? 'redirect' : 'full';
    const context = await this.context(loaded, request, scope);
    const body = this.rendered.render(vendor, context);
    // What was sent, never the values: whether it held the phone's secrets, and how much of the configuration.
    return { status: 200, body, contentType: 'application/xml; charset=utf-8', logged: { mac: device.mac, deviceStatus: device.status, scope, withSecrets: context.withSecrets } };
  }

  /**
   * Config-server credentials: until the phone has fetched once with them (they are in its
   * first file), a fetch without them is served; from then on they are required, and a wrong
   * one counts toward the ban.
   */
  private async checkCredentials(request: FileRequest, device: Device): Promise<FileAnswer | null> {
    const presented = parseAuthorization(request.authorization);
    const expected = this.options.devices.httpCredentials(device);
    if (presented && this.auth.verify(presented, expected, request.method ?? 'GET')) {
      await this.options.devices.confirmCredentials(device);
      return null;
    }
    // Not confirmed yet (new phone, or credentials just reset): the phone may still send old ones.
    if (!device.credentialsConfirmedAt) return null;
    if (presented && this.options.bans.strike(request.ip, 'bad_credentials', `${device.mac}:${Date.now()}`)) return { status: 403, reason: 'client_banned' };
    return { status: 401, reason: presented ? 'bad_credentials' : 'credentials_required', challenges: this.auth.challenges() };
  }

  private async phonebook(request: FileRequest, rest: string[]): Promise<FileAnswer> {
    // `phonebook/<mac>.xml`, or `phonebook/<mac>/phonebook.xml` as Grandstream appends to its phonebook path.
    const name = rest.length === 1 ? /^([0-9a-fA-F]{12})\.xml$/.exec(rest[0]!)?.[1] : rest.length === 2 && rest[1] === 'phonebook.xml' ? rest[0] : undefined;
    const mac = name ? parseMac(name) : null;
    if (!mac) return { status: 404, reason: 'no_such_file' };
    const device = (await this.options.devices.byMacLoaded(mac))?.device;
    if (!device || device.status !== 'assigned') {
      if (this.options.bans.strike(request.ip, 'unknown_mac', mac)) return { status: 403, reason: 'client_banned' };
      return { status: 404, reason: 'unknown_phone' };
    }
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

  private async context(loaded: LoadedDevice, request: FileRequest, scope: 'full' | 'redirect'): Promise<PhoneConfigContext> {
    const { device, capabilities } = loaded;
    const assigned = device.status === 'assigned';
    const httpHost = this.serverHost(request);
    const sipHost = httpHost.replace(/:\d+$/, '');
    const modelOverride = device.model ? await this.options.devices.modelOverride(device.vendor, capabilities?.model ?? device.model) : {};
    return {
      mac: device.mac,
      capabilities,
      withSecrets: assigned,
      scope,
      server: {
        httpHost,
        configPath: `${httpHost}/provisioning`,
        firmwarePath: `${httpHost}/provisioning/firmware`,
        phonebookPath: `${httpHost}/provisioning/phonebook/${device.mac}`,
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
        adminPassword: assigned ? this.options.devices.adminPassword(device) : null,
        httpCredentials: assigned ? this.options.devices.httpCredentials(device) : null,
      },
      accounts: assigned
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
      keys: assigned ? device.programmableKeys : [],
      phonebookIntervalMinutes: assigned && this.options.phonebook.sources().length ? PHONEBOOK_MINUTES : 0,
      extraValues: { ...modelOverride, ...device.extraValues },
    };
  }
}
