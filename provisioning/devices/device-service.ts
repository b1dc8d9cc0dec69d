import { Op, UniqueConstraintError, type Sequelize, type Transaction, type WhereOptions } from 'sequelize';
import { likeValue } from '../../core/db/like';
import type { EventBus } from '../../core/events/bus';
import { HttpError } from '../../core/http/problem';
import type { Logger } from '../../core/logging/logger';
import type { SecretBox } from '../../core/security/secret-box';
import { Extension } from '../../core/telephony/resources/models';
import { generateSipSecret } from '../../core/telephony/resources/secrets';
import { parseMac, type Mac } from '../mac';
import { Device, DeviceAccount, ModelOverride, type ExtraValues, type LcdDisplay, type MicGain, type ProgrammableKey } from '../models';
import type { VendorRegistry } from '../vendors/vendor-registry';
import type { ModelCapabilities, ProvisioningVendor } from '../vendors/vendor';
import { loadDevicesByMac, type DeviceRows } from './device-rows';
import { LoadedDeviceCache, ModelRevision } from './loaded-device-cache';
import { deviceView, type DeviceView } from './device-views';
import { checkKeys } from './key-rules';

export const DEVICE_SEEN = 'provisioning.deviceSeen';
export const DEVICE_ASSIGNED = 'provisioning.deviceAssigned';
export const DEVICE_DISSOCIATED = 'provisioning.deviceDissociated';

const SIGHTING_FLUSH_MS = 250;
const SIGHTINGS_PER_STATEMENT = 200;
/** Secrets kept open: three per phone (admin, config server, one SIP account) for a few thousand phones. */
const UNSEALED_LIMIT = 20_000;
/** What a fetch tells about a known phone: column, then field of the pending sighting. */
const SIGHTING_COLUMNS = [['last_ip', 'lastIp'], ['last_user_agent', 'lastUserAgent'], ['last_file', 'lastFile'], ['last_fetch_at', 'lastFetchAt'], ['firmware', 'firmware'], ['model', 'model']] as const;

/** Beyond this many unassigned phones, unknown MACs are no longer recorded (a flood must not fill the table). */
const MAX_UNASSIGNED = 2000;

export interface DeviceSettingsInput {
  label?: string;
  model?: string | null;
  language?: string;
  timeZone?: string | null;
  lcdDisplay?: LcdDisplay;
  vlan?: { id: number; priority: number } | null;
  expansionModules?: number;
  audio?: { handsetMicGainDb?: MicGain; headsetMicGainDb?: MicGain };
  extraValues?: ExtraValues;
  keys?: ProgrammableKey[];
}

export interface AssignInput extends DeviceSettingsInput {
  /** Extensions on the phone's accounts, account 1 first. */
  extensionIds: number[];
}

export interface DeviceListFilter {
  status?: 'unassigned' | 'assigned';
  search?: string;
  limit: number;
  offset: number;
}

/** What a request told about the phone. */
export interface Sighting {
  mac: Mac;
  ip: string;
  userAgent: string;
  file: string;
}

/** A device with its accounts' extensions, as the configuration needs them. */
export interface LoadedDevice {
  device: Device;
  accounts: Array<{ account: DeviceAccount; extension: Extension }>;
  capabilities: ModelCapabilities | null;
  vendor: ProvisioningVendor | null;
}

function httpUsername(): string {
  return `phone-${generateSipSecret(12).toLowerCase()}`;
}

/** The device registry: phones seen and assigned, their accounts, keys, secrets and overrides. */
export class DeviceService {
  private readonly overrides = new Map<string, Promise<ExtraValues>>();
  private readonly pendingSightings = new Map<number, { lastIp: string | null; lastUserAgent: string | null; lastFile: string | null; lastFetchAt: Date | null; firmware: string | null; model: string | null }>();
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** What a phone's file is made of: its row, its accounts, their extensions (passwords included), its model's overrides. */
  private readonly loadedByMac: LoadedDeviceCache<DeviceRows>;
  private readonly unsealed = new Map<string, string>();

  constructor(
    private readonly deps: {
      sequelize: Sequelize;
      secretBox: SecretBox;
      vendors: VendorRegistry;
      events: EventBus;
      logger: Logger;
      /** `provisioning.claimWindowMinutes`. */
      claimWindowMinutes: number;
    },
  ) {
    this.loadedByMac = new LoadedDeviceCache(new ModelRevision(deps.sequelize, [Device, DeviceAccount, Extension, ModelOverride]), (macs) => loadDevicesByMac(deps.sequelize, macs));
  }

  // ---- reading ----------------------------------------------------------------------------

  async find(id: number): Promise<Device> {
    await this.flushSightings();
    const device = await Device.findByPk(id);
    if (!device) throw HttpError.notFound('device', `No device with id ${id}.`);
    return device;
  }

  async load(device: Device, transaction?: Transaction): Promise<LoadedDevice> {
    const accounts = await DeviceAccount.findAll({ where: { deviceId: device.id }, order: [['position', 'ASC']], transaction });
    const extensions = accounts.length ? await Extension.findAll({ where: { id: accounts.map((a) => a.extensionId) }, transaction }) : [];
    const byId = new Map(extensions.map((e) => [e.id, e]));
    return {
      device,
      accounts: accounts.filter((a) => byId.has(a.extensionId)).map((account) => ({ account, extension: byId.get(account.extensionId)! })),
      capabilities: this.deps.vendors.capabilities(device.vendor, device.model),
      vendor: this.deps.vendors.get(device.vendor),
    };
  }

  async byMac(mac: Mac): Promise<Device | null> {
    return Device.findOne({ where: { mac } });
  }

  /**
   * A phone with its accounts' extensions (every configuration fetch starts here): read with
   * the other phones asking at the same time, then kept until one of those rows is written.
   * The result is shared by concurrent fetches: change it only through this service.
   */
  async byMacLoaded(mac: Mac): Promise<LoadedDevice | null> {
    const found = await this.loadedByMac.get(mac);
    if (!found) return null;
    // Vendors come and go with plugins: looked up at each fetch, never kept.
    return { ...found, capabilities: this.deps.vendors.capabilities(found.device.vendor, found.device.model), vendor: this.deps.vendors.get(found.device.vendor) };
  }

  async get(id: number): Promise<DeviceView> {
    const loaded = await this.load(await this.find(id));
    return deviceView(loaded.device, loaded.accounts, loaded.capabilities);
  }

  async list(filter: DeviceListFilter): Promise<{ items: DeviceView[]; total: number }> {
    await this.flushSightings();
    const where: WhereOptions<Device> = {};
    if (filter.status) Object.assign(where, { status: filter.status });
    if (filter.search) {
      const like = likeValue(Device.sequelize!, filter.search);
      const mac = parseMac(filter.search) ?? filter.search.replace(/[:-]/g, '').toLowerCase();
      Object.assign(where, { [Op.or]: [{ label: { [Op.like]: like } }, { mac: { [Op.like]: likeValue(Device.sequelize!, mac) } }, { model: { [Op.like]: like } }, { lastIp: { [Op.like]: like } }] });
    }
    const { rows, count } = await Device.findAndCountAll({ where, order: [['status', 'DESC'], ['mac', 'ASC']], limit: filter.limit, offset: filter.offset });
    const items = [];
    for (const device of rows) {
      const loaded = await this.load(device);
      items.push(deviceView(device, loaded.accounts, loaded.capabilities));
    }
    return { items, total: count };
  }

  /** The secrets an admin needs at the phone: its web admin password and config-server credentials. */
  async revealSecrets(id: number): Promise<{ adminUsername: string; adminPassword: string; httpUsername: string; httpPassword: string }> {
    const device = await this.find(id);
    return {
      adminUsername: 'admin',
      adminPassword: this.deps.secretBox.decrypt(device.adminPasswordSealed),
      httpUsername: device.httpUsername,
      httpPassword: this.deps.secretBox.decrypt(device.httpPasswordSealed),
    };
  }

  httpCredentials(device: Device): { username: string; password: string } {
    return { username: device.httpUsername, password: this.unseal(device.httpPasswordSealed) };
  }

  adminPassword(device: Device): string {
    return this.unseal(device.adminPasswordSealed);
  }

  /**
   * A secret of a phone's file in clear (its passwords, its extensions' SIP passwords), opened
   * once per sealed value: a new secret is a new sealed value, so nothing here goes stale.
   */
  unseal(sealed: string): string {
    let clear = this.unsealed.get(sealed);
    if (clear === undefined) {
      clear = this.deps.secretBox.decrypt(sealed);
      this.unsealed.set(sealed, clear);
      if (this.unsealed.size > UNSEALED_LIMIT) this.unsealed.delete(this.unsealed.keys().next().value!);
    }
    return clear;
  }

  /** Per-model overrides, kept in memory: read by every configuration fetch, changed here only. */
  async modelOverride(vendor: string, model: string): Promise<ExtraValues> {
    const key = `${vendor}/${model}`;
    let cached = this.overrides.get(key);
    if (!cached) {
      cached = ModelOverride.findOne({ where: { vendor, model } }).then((row) => row?.extraValues ?? {});
      this.overrides.set(key, cached);
      cached.catch(() => this.overrides.delete(key));
    }
    return cached;
  }

  // ---- phones seen ------------------------------------------------------------------------

  /**
   * A phone asked for its file: updates what is known of it (IP, firmware, model, when), or
   * records an unknown phone as unassigned. Returns null when the request names no phone of a
   * known vendor (or the unassigned list is full).
   */
  async sighted(sighting: Sighting, known?: Device | null): Promise<Device | null> {
    const identified = this.deps.vendors.identify(sighting.userAgent, sighting.mac);
    const detected = identified?.detected;
    let device = known !== undefined ? known : await this.byMac(sighting.mac);
    const seen = {
      lastIp: sighting.ip,
      lastUserAgent: sighting.userAgent.slice(0, 255) || null,
      lastFile: sighting.file.slice(0, 128),
      lastFetchAt: new Date(),
    };
    if (device) {
      // The phone knows its model better than a pre-provisioning guess.
      device.set({ ...seen, firmware: detected?.firmware ?? device.firmware, model: detected?.model ?? device.model });
      this.recordLater(device);
    } else {
      const vendor = identified?.vendor;
      if (!vendor) return null;
      if ((await Device.count({ where: { status: 'unassigned' } })) >= MAX_UNASSIGNED) {
        this.deps.logger.warn({ mac: sighting.mac, ip: sighting.ip }, 'too many unassigned phones recorded; this one is not');
        return null;
      }
      try {
        device = await Device.create({ ...this.defaults(vendor.id, sighting.mac, detected?.model ?? null), ...seen, firmware: detected?.firmware ?? null });
      } catch (err) {
        // Two requests of the same new phone at once: the other one recorded it.
        if (!(err instanceof UniqueConstraintError)) throw err;
        device = (await this.byMac(sighting.mac))!;
      }
    }
    this.deps.events.publish(DEVICE_SEEN, {
      id: device.id,
      mac: device.mac,
      status: device.status,
      vendor: device.vendor,
      model: device.model,
      firmware: device.firmware,
      ip: sighting.ip,
      file: seen.lastFile,
    });
    return device;
  }

  /**
   * Contacts of known phones are written in batches, one transaction per flush: a thousand
   * phones rebooting together cost a few commits, not a thousand. Reads through this service
   * flush first, so an admin always sees the last contact.
   */
  private recordLater(device: Device): void {
    this.pendingSightings.set(device.id, { lastIp: device.lastIp, lastUserAgent: device.lastUserAgent, lastFile: device.lastFile, lastFetchAt: device.lastFetchAt, firmware: device.firmware, model: device.model });
    this.flushTimer ??= setTimeout(() => void this.flushSightings().catch((err: unknown) => this.deps.logger.error({ err }, 'cannot record phone contacts')), SIGHTING_FLUSH_MS);
  }

  async flushSightings(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (!this.pendingSightings.size) return this.flushing;
    const batch = [...this.pendingSightings];
    this.pendingSightings.clear();
    const write = this.flushing.then(() =>
      this.deps.sequelize.transaction(async (transaction) => {
        // A few statements per flush, not one per phone: each round trip to the database costs the phones waiting.
        for (let start = 0; start < batch.length; start += SIGHTINGS_PER_STATEMENT) {
          const rows = batch.slice(start, start + SIGHTINGS_PER_STATEMENT);
          const replacements: unknown[] = [];
          const sets = SIGHTING_COLUMNS.map(([column, field]) => {
            for (const [id, seen] of rows) replacements.push(id, seen[field]);
            return `${column} = CASE id ${rows.map(() => 'WHEN ? THEN ?').join(' ')} END`;
          });
          replacements.push(...rows.map(([id]) => id));
          await this.deps.sequelize.query(`UPDATE provisioning_devices SET ${sets.join(', ')} WHERE id IN (${rows.map(() => '?').join(', ')})`, { replacements, transaction });
        }
      }),
    );
    this.flushing = write.catch(() => undefined);
    return write;
  }

  async confirmCredentials(device: Device): Promise<void> {
    if (!device.credentialsConfirmedAt) await device.update({ credentialsConfirmedAt: new Date() });
  }

  /**
   * The first fetch on the secret path within the window takes the phone's secrets: one
   * conditional write, so of two requests at once (the phone and a scanner, or the phone's two
   * file names) exactly one wins, and after it every secret needs the phone's credentials.
   */
  async claim(device: Device, ip: string): Promise<boolean> {
    const now = new Date();
    const [count] = await Device.update(
      { claimedAt: now, claimedFromIp: ip },
      { where: { id: device.id, status: 'assigned', claimedAt: null, claimWindowUntil: { [Op.gt]: now } } },
    );
    if (count !== 1) return false;
    device.set({ claimedAt: now, claimedFromIp: ip });
    this.deps.logger.info({ mac: device.mac, client: ip }, 'provisioning: phone claimed its configuration');
    return true;
  }

  /**
   * Opens the claim window again (the phone was reset, replaced, or someone else claimed it):
   * new config-server credentials and admin password, so whatever the previous claimer holds
   * opens nothing, and the phone's next fetch on the secret path takes the new ones.
   */
  async reopenClaim(id: number): Promise<DeviceView> {
    const device = await this.find(id);
    if (device.status !== 'assigned') throw HttpError.conflict('device_not_assigned', 'Assign the phone first: an unassigned phone gets nothing secret to claim.');
    await device.update({ ...this.newSecrets(), claimWindowUntil: this.windowEnd() });
    return this.get(id);
  }

  // ---- changes ----------------------------------------------------------------------------

  /** Records a phone before it is plugged in (pre-provisioning), optionally assigned at once. */
  async create(input: { mac: string; vendor?: string; model?: string | null } & Partial<AssignInput>): Promise<DeviceView> {
    const mac = parseMac(input.mac);
    if (!mac) throw HttpError.validation([{ field: 'body.mac', code: 'invalid_mac', message: 'A MAC address such as c0:74:ad:12:34:56.' }]);
    const vendor = input.vendor ? this.deps.vendors.get(input.vendor) : this.deps.vendors.identify('', mac)?.vendor;
    if (!vendor) {
      throw HttpError.validation([{ field: 'body.vendor', code: 'unknown_vendor', message: `Name the vendor (${this.deps.vendors.list().map((v) => v.id).join(', ')}); the MAC's manufacturer prefix is not one Carillon knows.` }]);
    }
    if (await this.byMac(mac)) throw HttpError.conflict('device_exists', `A device with MAC ${mac} is already registered.`, [{ field: 'body.mac', code: 'duplicate', message: 'Already registered.' }]);
    const model = input.model ?? null;
    this.checkModel(vendor.id, model);
    const device = await Device.create(this.defaults(vendor.id, mac, model));
    if (input.extensionIds?.length) return this.assign(device.id, { ...input, extensionIds: input.extensionIds });
    if (Object.keys(input).some((k) => !['mac', 'vendor', 'model'].includes(k))) return this.update(device.id, input);
    return this.get(device.id);
  }

  /** One step: extensions on the accounts and, optionally, the settings; the phone gets them at its next fetch. */
  async assign(id: number, input: AssignInput): Promise<DeviceView> {
    const device = await this.find(id);
    const model = input.model !== undefined ? input.model : device.model;
    const capabilities = this.checkModel(device.vendor, model);
    const extensionIds = input.extensionIds;
    const errors = [];
    if (new Set(extensionIds).size !== extensionIds.length) errors.push({ field: 'body.extensionIds', code: 'duplicate', message: 'An extension can be on one account of a phone only.' });
    if (capabilities && extensionIds.length > capabilities.accounts) {
      errors.push({ field: 'body.extensionIds', code: 'too_many_accounts', message: `The ${capabilities.model} has ${capabilities.accounts} SIP account(s).` });
    }
    const found = await Extension.findAll({ where: { id: extensionIds }, attributes: ['id', 'number'] });
    extensionIds.forEach((extensionId, n) => {
      if (!found.some((e) => e.id === extensionId)) errors.push({ field: `body.extensionIds.${n}`, code: 'unknown_extension', message: `No extension with id ${extensionId}.` });
    });
    if (errors.length) throw HttpError.validation(errors);
    await this.deps.sequelize.transaction(async (transaction) => {
      await DeviceAccount.destroy({ where: { deviceId: id }, transaction });
      await DeviceAccount.bulkCreate(
        extensionIds.map((extensionId, n) => ({ deviceId: id, position: n + 1, extensionId })),
        { transaction },
      );
      // A phone that already holds its credentials keeps them; any other gets a claim window.
      await this.applySettings(device, { ...input, model }, extensionIds.length, transaction, { status: 'assigned', ...(device.claimedAt ? {} : { claimWindowUntil: this.windowEnd() }) });
    });
    const view = await this.get(id);
    this.deps.events.publish(DEVICE_ASSIGNED, { id, mac: device.mac, model: view.model, extensions: view.accounts.map((a) => a.number) });
    return view;
  }

  async update(id: number, input: DeviceSettingsInput): Promise<DeviceView> {
    const device = await this.find(id);
    const accountCount = await DeviceAccount.count({ where: { deviceId: id } });
    await this.deps.sequelize.transaction((transaction) => this.applySettings(device, input, accountCount, transaction, {}));
    return this.get(id);
  }

  async setKeys(id: number, keys: ProgrammableKey[]): Promise<DeviceView> {
    return this.update(id, { keys });
  }

  /**
   * Back to defaults: keys, language, time zone, VLAN, modules and overrides cleared; a new
   * admin password and new config-server credentials, which the phone claims at its next fetch
   * on the secret path (a new claim window opens). Accounts stay.
   */
  async reset(id: number): Promise<DeviceView> {
    const device = await this.find(id);
    await device.update({
      label: '',
      language: 'auto',
      timeZone: null,
      lcdDisplay: 'name',
      vlanId: null,
      vlanPriority: 0,
      expansionModules: 0,
      handsetMicGainDb: 0,
      headsetMicGainDb: 0,
      programmableKeys: [],
      extraValues: {},
      ...this.newSecrets(),
      ...(device.status === 'assigned' ? { claimWindowUntil: this.windowEnd() } : {}),
    });
    return this.get(id);
  }

  /**
   * The phone leaves its extensions: it goes back to unassigned, and its next file disables
   * its accounts. New secrets, so that what the phone knew opens nothing.
   */
  async dissociate(id: number): Promise<DeviceView> {
    const device = await this.find(id);
    await this.deps.sequelize.transaction(async (transaction) => {
      await DeviceAccount.destroy({ where: { deviceId: id }, transaction });
      await device.update({ status: 'unassigned', programmableKeys: [], ...this.newSecrets(), claimWindowUntil: null }, { transaction });
    });
    this.deps.events.publish(DEVICE_DISSOCIATED, { id, mac: device.mac });
    return this.get(id);
  }

  async remove(id: number): Promise<void> {
    const device = await this.find(id);
    await this.deps.sequelize.transaction(async (transaction) => {
      await DeviceAccount.destroy({ where: { deviceId: id }, transaction });
      await device.destroy({ transaction });
    });
  }

  async rebooted(device: Device): Promise<void> {
    await device.update({ lastRebootAt: new Date() });
  }

  async setModelOverride(vendorId: string, model: string, extraValues: ExtraValues): Promise<{ vendor: string; model: string; extraValues: ExtraValues }> {
    const vendor = this.deps.vendors.get(vendorId);
    if (!vendor) throw HttpError.notFound('vendor', `No vendor "${vendorId}".`);
    const capabilities = this.deps.vendors.capabilities(vendorId, model);
    if (!capabilities) throw HttpError.notFound('model', `${vendor.displayName} has no model "${model}".`);
    this.checkExtraValues(vendor, extraValues);
    await this.deps.sequelize.transaction(async (transaction) => {
      await ModelOverride.destroy({ where: { vendor: vendorId, model: capabilities.model }, transaction });
      if (Object.keys(extraValues).length) await ModelOverride.create({ vendor: vendorId, model: capabilities.model, extraValues }, { transaction });
    });
    this.overrides.delete(`${vendorId}/${capabilities.model}`);
    return { vendor: vendorId, model: capabilities.model, extraValues };
  }

  async getModelOverride(vendorId: string, model: string): Promise<{ vendor: string; model: string; extraValues: ExtraValues }> {
    const capabilities = this.deps.vendors.capabilities(vendorId, model);
    if (!capabilities) throw HttpError.notFound('model', `No model "${model}" for vendor "${vendorId}".`);
    const row = await ModelOverride.findOne({ where: { vendor: vendorId, model: capabilities.model } });
    return { vendor: vendorId, model: capabilities.model, extraValues: row?.extraValues ?? {} };
  }

  // ---- helpers ----------------------------------------------------------------------------

  private defaults(vendor: string, mac: Mac, model: string | null) {
    return {
      mac,
      vendor,
      model,
      firmware: null,
      status: 'unassigned' as const,
      label: '',
      language: 'auto',
      timeZone: null,
      lcdDisplay: 'name' as const,
      vlanId: null,
      vlanPriority: 0,
      expansionModules: 0,
      handsetMicGainDb: 0 as const,
      headsetMicGainDb: 0 as const,
      programmableKeys: [],
      extraValues: {},
      ...this.newSecrets(),
      claimWindowUntil: null,
      lastIp: null,
      lastUserAgent: null,
      lastFile: null,
      lastFetchAt: null,
      lastRebootAt: null,
    };
  }

  /** New secrets are unclaimed: nobody holds them until a claim. */
  private newSecrets() {
    return {
      adminPasswordSealed: this.deps.secretBox.encrypt(generateSipSecret(16)),
      // About 60 random bits: unique in practice; the column's unique index has the last word.
      httpUsername: httpUsername(),
      httpPasswordSealed: this.deps.secretBox.encrypt(generateSipSecret(24)),
      credentialsConfirmedAt: null,
      claimedAt: null,
      claimedFromIp: null,
    };
  }

  private windowEnd(): Date {
    return new Date(Date.now() + this.deps.claimWindowMinutes * 60_000);
  }

  private checkModel(vendorId: string, model: string | null): ModelCapabilities | null {
    if (model === null) return null;
    const capabilities = this.deps.vendors.capabilities(vendorId, model);
    if (!capabilities) {
      const known = this.deps.vendors.get(vendorId)?.models.map((m) => m.model) ?? [];
      throw HttpError.validation([{ field: 'body.model', code: 'unknown_model', message: `One of ${known.join(', ')}.` }]);
    }
    return capabilities;
  }

  private checkExtraValues(vendor: ProvisioningVendor, values: ExtraValues): void {
    const errors = Object.keys(values)
      .map((name) => ({ name, problem: vendor.checkExtraValueName(name) }))
      .filter((e) => e.problem !== null)
      .map((e) => ({ field: `body.extraValues.${e.name}`, code: 'invalid_name', message: `Expected ${e.problem}.` }));
    if (errors.length) throw HttpError.validation(errors);
  }

  private async applySettings(device: Device, input: DeviceSettingsInput, accountCount: number, transaction: Transaction, also: Partial<{ status: 'assigned'; claimWindowUntil: Date }>): Promise<void> {
    const model = input.model !== undefined ? input.model : device.model;
    const capabilities = this.checkModel(device.vendor, model);
    const vendor = this.deps.vendors.get(device.vendor);
    if (input.extraValues && vendor) this.checkExtraValues(vendor, input.extraValues);
    const expansionModules = input.expansionModules ?? device.expansionModules;
    if (expansionModules > (capabilities?.maxModules ?? 0)) {
      throw HttpError.validation([{ field: 'body.expansionModules', code: 'too_many_modules', message: capabilities ? `The ${capabilities.model} takes ${capabilities.maxModules} expansion module(s).` : 'Set the model first.' }]);
    }
    const keys = input.keys ?? device.programmableKeys;
    if (keys.length) {
      if (!capabilities) throw HttpError.conflict('model_unknown', 'Set the phone model before its keys: the keys a phone has depend on it.');
      const errors = checkKeys(keys, capabilities, expansionModules, accountCount);
      if (errors.length) throw HttpError.validation(errors, 'Some keys do not fit this phone.');
    }
    await device.update(
      {
        model,
        label: input.label !== undefined ? input.label.trim() : device.label,
        language: input.language ?? device.language,
        timeZone: input.timeZone !== undefined ? input.timeZone : device.timeZone,
        lcdDisplay: input.lcdDisplay ?? device.lcdDisplay,
        vlanId: input.vlan !== undefined ? (input.vlan?.id ?? null) : device.vlanId,
        vlanPriority: input.vlan !== undefined ? (input.vlan?.priority ?? 0) : device.vlanPriority,
        expansionModules,
        handsetMicGainDb: input.audio?.handsetMicGainDb ?? device.handsetMicGainDb,
        headsetMicGainDb: input.audio?.headsetMicGainDb ?? device.headsetMicGainDb,
        programmableKeys: keys,
        extraValues: input.extraValues ?? device.extraValues,
        ...also,
      },
      { transaction },
    );
  }
}
