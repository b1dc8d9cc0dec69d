import path from 'node:path';
import { asFunction, type AwilixContainer } from 'awilix';
import type { CoreCradle } from '../core/container';
import type { CoreModule } from '../core/core-module';
import type { RouteCall } from '../core/http/routes';
import { generatedConfigDir } from '../core/telephony/config/config-paths';
import { PhoneNotifier } from '../core/telephony/phone-notify';
import { CONFIG_CHANGED } from '../core/telephony/resources/config-changes';
import { DEVICE_ASSIGNED, DEVICE_DISSOCIATED, DEVICE_SEEN, DeviceService } from './devices/device-service';
import { PhoneReboots } from './devices/phone-reboots';
import { ProvisioningFiles } from './files/provisioning-files';
import { adminRoutes } from './http/admin-routes';
import { fileRoutes } from './http/file-routes';
import { initProvisioningModels } from './models';
import { PhonebookService } from './phonebook/phonebook-service';
import { hostPort } from './files/server-address';
import { BanList, databaseBanStore } from './security/ban-list';
import { banRoutes } from './http/ban-routes';
import { NetworkPolicy } from './security/network-policy';
import { SecretPathService } from './security/secret-path';
import { ProvisioningTftpServer } from './tftp/tftp-server';
import { grandstreamVendor } from './vendors/grandstream';
import { PROVISIONING_VENDORS } from './vendors/vendor';
import { VendorRegistry } from './vendors/vendor-registry';

declare module '../core/container' {
  interface CoreCradle {
    provisioningVendors: VendorRegistry;
    provisioningDevices: DeviceService;
    provisioningPhonebook: PhonebookService;
    provisioningFiles: ProvisioningFiles;
    provisioningSecretPath: SecretPathService;
    provisioningBans: BanList;
    provisioningTftp: ProvisioningTftpServer;
    phoneNotifier: PhoneNotifier;
    provisioningReboots: PhoneReboots;
  }
}

/** A value read at most every `ms` (the SIP port, read by every configuration fetch, changes rarely), or again once forgotten. */
function cachedFor<T>(ms: number, read: () => Promise<T>): { get: () => Promise<T>; forget: () => void } {
  let value: { at: number; promise: Promise<T> } | null = null;
  return {
    get: () => {
      if (!value || Date.now() - value.at > ms) {
        const promise = read();
        value = { at: Date.now(), promise };
        promise.catch(() => (value = null));
      }
      return value.promise;
    },
    forget: () => (value = null),
  };
}

/** The TFTP server's own logger name, and the one the ban line is written with. */
const COMPONENT = { component: 'provisioning' };

/**
 * Desk-phone auto-provisioning: the device registry and its API (`/api/provisioning`), the
 * files phones fetch over HTTP (`/provisioning/…`) and TFTP, the vendors (a collection:
 * Grandstream here, more from plugins), the phonebook from contributed sources, and reboots
 * through Asterisk.
 */
export const provisioningModule: CoreModule = {
  name: 'provisioning',
  permissions: [
    { key: 'provisioning.read', description: { en: 'See desk phones: models, firmware, addresses, accounts and keys', fr: 'Voir les téléphones de bureau : modèles, micrologiciels, adresses, comptes et touches' }, defaultRoles: ['technician', 'manager'] },
    { key: 'provisioning.manage', description: { en: 'Assign, change, reset, reboot and dissociate desk phones', fr: 'Attribuer, modifier, réinitialiser, redémarrer et dissocier les téléphones de bureau' }, defaultRoles: ['technician'] },
    { key: 'provisioning.secrets', description: { en: "Show desk phones' admin passwords and config-server credentials", fr: 'Afficher les mots de passe d’administration des téléphones et les identifiants du serveur de configuration' }, defaultRoles: ['technician'] },
  ],
  events: [
    { name: DEVICE_SEEN, permission: 'provisioning.read', description: 'A phone asked for its configuration (new phones appear as unassigned)' },
    { name: DEVICE_ASSIGNED, permission: 'provisioning.read', description: 'A phone was assigned extensions' },
    { name: DEVICE_DISSOCIATED, permission: 'provisioning.read', description: 'A phone was taken off its extensions' },
  ],
  initModels: initProvisioningModels,
  register(container: AwilixContainer<CoreCradle>) {
    container.register({
      provisioningVendors: asFunction((c: CoreCradle) => new VendorRegistry(c.collections)).singleton(),
      provisioningDevices: asFunction(
        (c: CoreCradle) => new DeviceService({
            sequelize: c.sequelize,
            secretBox: c.secretBox,
            vendors: c.provisioningVendors,
            events: c.events,
            logger: c.logger.child(COMPONENT),
            claimWindowMinutes: c.config.provisioning.claimWindowMinutes,
          }),
      ).singleton(),
      provisioningSecretPath: asFunction((c: CoreCradle) => new SecretPathService({ sequelize: c.sequelize, secretBox: c.secretBox })).singleton(),
      provisioningBans: asFunction((c: CoreCradle) => new BanList(c.config.provisioning.ban, c.logger.child(COMPONENT), databaseBanStore)).singleton(),
      provisioningPhonebook: asFunction((c: CoreCradle) => new PhonebookService(c.collections, c.logger.child(COMPONENT))).singleton(),
      provisioningFiles: asFunction((c: CoreCradle) => {
        const config = c.config.provisioning;
        const logger = c.logger.child(COMPONENT);
        const sipPort = cachedFor(5000, async () => (await c.telephonyResources.settings.transports()).udpPort);
        // A new SIP port is in the next file a phone fetches, not five seconds later.
        c.events.subscribe(CONFIG_CHANGED, (change) => {
          if (change.resource === 'settings') sipPort.forget();
        });
        return new ProvisioningFiles({
          devices: c.provisioningDevices,
          vendors: c.provisioningVendors,
          phonebook: c.provisioningPhonebook,
          policy: new NetworkPolicy(config.allowedNetworks),
          bans: c.provisioningBans,
          secretPath: c.provisioningSecretPath,
          logger,
          firmwareDir: path.resolve(config.firmwareDir ?? path.join(c.config.resolved.dataDir, 'firmware')),
          ntpServer: config.ntpServer,
          serverHost: config.serverHost ?? null,
          httpPort: () => c.config.http.plainPort ?? c.config.http.port,
          sipPort: sipPort.get,
        });
      }).singleton(),
      provisioningTftp: asFunction(
        (c: CoreCradle) =>
          new ProvisioningTftpServer(c.provisioningFiles, { host: c.config.provisioning.tftp.host ?? c.config.http.host, port: c.config.provisioning.tftp.port }, c.logger.child(COMPONENT)),
      ).singleton(),
      phoneNotifier: asFunction((c: CoreCradle) => new PhoneNotifier({ telephony: c.telephony, configDir: generatedConfigDir(c.config), logger: c.logger.child({ component: 'phone-notify' }) })).singleton(),
      provisioningReboots: asFunction((c: CoreCradle) => new PhoneReboots({ devices: c.provisioningDevices, notifier: c.phoneNotifier, logger: c.logger.child(COMPONENT) })).singleton(),
    });
    container.cradle.collections.contribute(PROVISIONING_VENDORS, 'core', grandstreamVendor());
  },
  routes(container) {
    const c = container.cradle;
    const phoneServer = (call: RouteCall) =>
      c.config.provisioning.serverHost ?? hostPort(call.koa.hostname, c.config.http.plainPort ?? (c.config.http.port || call.koa.req.socket.localPort || null));
    const admin = adminRoutes({ devices: c.provisioningDevices, reboots: c.provisioningReboots, vendors: c.provisioningVendors, secretPath: c.provisioningSecretPath, phoneServer });
    const groups = [{ prefix: '/api/provisioning', routes: [...admin, ...banRoutes(c.provisioningBans)] }];
    if (c.config.provisioning.enabled) groups.push({ prefix: '/provisioning', routes: fileRoutes(c.provisioningFiles) });
    return groups;
  },
  async start(container) {
    const c = container.cradle;
    // Written now for an Asterisk that starts later, and again after every (re)connection.
    c.telephony.onReady(() => c.phoneNotifier.ensureConfig());
    await c.phoneNotifier.ensureConfig().catch((err: unknown) => c.logger.error({ err }, 'cannot write the phone notification configuration'));
    // Bans from before a restart hold before the first request is answered.
    await c.provisioningBans.load();
    if (c.config.provisioning.enabled && c.config.provisioning.tftp.enabled) await c.provisioningTftp.start();
  },
  async stop(container) {
    await container.cradle.provisioningTftp.stop();
    await container.cradle.provisioningDevices.flushSightings().catch((err: unknown) => container.cradle.logger.error({ err }, 'cannot record phone contacts'));
  },
};
