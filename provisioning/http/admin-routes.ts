import { z } from 'zod';
import { HttpError } from '../../core/http/problem';
import { snapshotByKey } from '../../core/audit/snapshots';
import { defineRoute, type RouteCall, type RouteDefinition } from '../../core/http/routes';
import { idParam, pagination, timeZone } from '../../core/http/schemas';
import type { DeviceService } from '../devices/device-service';
import type { PhoneReboots } from '../devices/phone-reboots';
import type { SecretPathService } from '../security/secret-path';
import type { VendorRegistry } from '../vendors/vendor-registry';

/** Display languages of Grandstream GRP firmware (P1362); `auto` follows the phone. */
export const LANGUAGES = ['auto', 'ar', 'cz', 'de', 'en', 'es', 'fr', 'he', 'hr', 'hu', 'it', 'ja', 'ko', 'lv', 'nl', 'pl', 'pt', 'ru', 'se', 'sl', 'tr', 'zh', 'zh-tw'] as const;

const key = z.strictObject({
  where: z.enum(['phone', 'module']),
  module: z.number().int().min(1).max(8).nullable().default(null),
  index: z.number().int().min(1).max(200),
  type: z.enum(['line', 'blf', 'speed_dial', 'park']),
  value: z.string().max(32).default(''),
  label: z.string().trim().max(32, 'at most 32 characters (what the phone shows)').default(''),
  account: z.number().int().min(1).max(16).default(1),
});

/** Overrides: a name the vendor checks, a value of printable text. */
const extraValues = z.record(z.string().min(1).max(96), z.string().max(1024)).refine((v) => Object.keys(v).length <= 200, 'at most 200 values');

const settings = {
  label: z.string().trim().max(80).optional(),
  model: z.string().trim().min(1).max(32).nullable().optional(),
  language: z.enum(LANGUAGES).optional(),
  timeZone: timeZone.nullable().optional(),
  lcdDisplay: z.enum(['name', 'number']).optional(),
  vlan: z.strictObject({ id: z.number().int().min(1).max(4094), priority: z.number().int().min(0).max(7).default(0) }).nullable().optional(),
  expansionModules: z.number().int().min(0).max(8).optional(),
  audio: z
    .strictObject({
      handsetMicGainDb: z.union([z.literal(-6), z.literal(0), z.literal(6)]).optional(),
      headsetMicGainDb: z.union([z.literal(-6), z.literal(0), z.literal(6)]).optional(),
    })
    .optional(),
  extraValues: extraValues.optional(),
  keys: z.array(key).max(400).optional(),
};

const extensionIds = z.array(z.number().int().positive()).min(1, 'at least one extension').max(16);
const modelParams = z.object({ vendor: z.string().min(1).max(32), model: z.string().min(1).max(32) });

const target = (call: RouteCall, result: unknown) => `device:${(call.params as { id?: number } | undefined)?.id ?? (result as { id?: number } | undefined)?.id ?? '?'}`;

/** `/api/provisioning`: the device registry, for people with the provisioning permissions. */
export function adminRoutes(deps: {
  devices: DeviceService;
  reboots: PhoneReboots;
  vendors: VendorRegistry;
  secretPath: SecretPathService;
  /** host[:port] phones reach Carillon's HTTP at, as seen from an admin's request. */
  phoneServer: (call: RouteCall) => string;
}): RouteDefinition[] {
  const { devices, reboots, vendors, secretPath } = deps;
  // A phone as the API shows it (never its passwords): the audit log keeps what each change did.
  const snapshot = snapshotByKey((id: number) => devices.get(id));
  /** The secret path with the DHCP option 66 values that hand it to phones. */
  const secretPathView = (call: RouteCall, found: { key: string; createdAt: Date }) => {
    const host = deps.phoneServer(call);
    const path = `/provisioning/s/${found.key}`;
    const url = `http://${host}${path}`;
    // Grandstream phones also read option 160 (configuration server address): for a LAN whose
    // option 66 already serves other phones. They need nothing in option 43 (their TR-069 ACS).
    return { path, url, option66: url, option66Tftp: `tftp://${host.replace(/:\d+$/, '')}${path}`, option160: url, createdAt: found.createdAt.toISOString() };
  };
  return [
    defineRoute({
      id: 'provisioning.devices.list',
      method: 'GET',
      path: '/devices',
      summary: 'List phones, assigned and unassigned (filter with status=unassigned), paged; never their secrets',
      permission: 'provisioning.read',
      input: { query: z.object({ status: z.enum(['unassigned', 'assigned']).optional(), search: z.string().trim().max(80).optional(), ...pagination }) },
      handler: ({ query }) => devices.list(query),
    }),
    defineRoute({
      id: 'provisioning.devices.get',
      method: 'GET',
      path: '/devices/:id',
      summary: 'One phone: model, firmware, last contact, accounts, keys, settings',
      permission: 'provisioning.read',
      input: { params: idParam },
      handler: ({ params }) => devices.get(params.id),
    }),
    defineRoute({
      id: 'provisioning.devices.create',
      method: 'POST',
      path: '/devices',
      summary: 'Register a phone by its MAC before it is plugged in, optionally assigned at once (extensionIds)',
      permission: 'provisioning.manage',
      status: 201,
      input: { body: z.strictObject({ mac: z.string().min(12).max(17), vendor: z.string().min(1).max(32).optional(), extensionIds: extensionIds.optional(), ...settings }) },
      audit: { target, snapshot },
      handler: ({ body }) => devices.create(body),
    }),
    defineRoute({
      id: 'provisioning.devices.assign',
      method: 'POST',
      path: '/devices/:id/assign',
      summary: "Assign a phone in one step: extensions on its accounts (account 1 first) and, optionally, its settings and keys",
      permission: 'provisioning.manage',
      input: { params: idParam, body: z.strictObject({ extensionIds, ...settings }) },
      audit: { target, snapshot },
      handler: ({ params, body }) => devices.assign(params.id, body),
    }),
    defineRoute({
      id: 'provisioning.devices.update',
      method: 'PATCH',
      path: '/devices/:id',
      summary: 'Change a phone: label, model, language, time zone, LCD display, VLAN, expansion modules, overrides, keys',
      permission: 'provisioning.manage',
      input: { params: idParam, body: z.strictObject(settings) },
      audit: { target, snapshot },
      handler: ({ params, body }) => devices.update(params.id, body),
    }),
    defineRoute({
      id: 'provisioning.devices.setKeys',
      method: 'PUT',
      path: '/devices/:id/keys',
      summary: "Replace a phone's programmable keys (line, BLF, speed dial, park) on the phone and its expansion modules",
      permission: 'provisioning.manage',
      input: { params: idParam, body: z.strictObject({ keys: z.array(key).max(400) }) },
      audit: { target, snapshot },
      handler: ({ params, body }) => devices.setKeys(params.id, body.keys),
    }),
    defineRoute({
      id: 'provisioning.devices.reset',
      method: 'POST',
      path: '/devices/:id/reset',
      summary: 'Reset a phone to defaults (keys, settings, overrides) with a new admin password and new config-server credentials; accounts stay',
      permission: 'provisioning.manage',
      input: { params: idParam },
      audit: { target, snapshot },
      handler: ({ params }) => devices.reset(params.id),
    }),
    defineRoute({
      id: 'provisioning.devices.reboot',
      method: 'POST',
      path: '/devices/:id/reboot',
      summary: 'Make a phone fetch its configuration and reboot (SIP NOTIFY check-sync through Asterisk)',
      permission: 'provisioning.manage',
      status: 202,
      input: { params: idParam },
      audit: { target, snapshot },
      handler: ({ params }) => reboots.reboot(params.id),
    }),
    defineRoute({
      id: 'provisioning.devices.dissociate',
      method: 'POST',
      path: '/devices/:id/dissociate',
      summary: 'Take a phone off its extensions: it goes back to unassigned and its next configuration disables its accounts',
      permission: 'provisioning.manage',
      input: { params: idParam },
      audit: { target, snapshot },
      handler: ({ params }) => reboots.dissociate(params.id),
    }),
    defineRoute({
      id: 'provisioning.devices.remove',
      method: 'DELETE',
      path: '/devices/:id',
      summary: 'Forget a phone (it shows again as unassigned if it asks for a file)',
      permission: 'provisioning.manage',
      input: { params: idParam },
      audit: { target, snapshot },
      handler: ({ params }) => devices.remove(params.id),
    }),
    defineRoute({
      id: 'provisioning.devices.revealSecrets',
      method: 'POST',
      path: '/devices/:id/secrets/reveal',
      summary: "Show a phone's web admin password and config-server credentials (audited)",
      permission: 'provisioning.secrets',
      input: { params: idParam },
      audit: { target, snapshot },
      handler: ({ params }) => devices.revealSecrets(params.id),
    }),
    defineRoute({
      id: 'provisioning.devices.reopenClaim',
      method: 'POST',
      path: '/devices/:id/claim-window',
      summary: "Reopen a phone's claim window: new config-server credentials and admin password, which its next fetch on the secret path takes (provisioning.claimWindowMinutes)",
      permission: 'provisioning.manage',
      input: { params: idParam },
      audit: { target, snapshot },
      handler: ({ params }) => devices.reopenClaim(params.id),
    }),
    defineRoute({
      id: 'provisioning.secretPath.reveal',
      method: 'POST',
      path: '/secret-path/reveal',
      summary: "Show the site's secret provisioning path and the DHCP option 66 values that give it to phones (audited)",
      permission: 'provisioning.secrets',
      audit: { target: () => 'provisioning:secret-path' },
      handler: async (call) => secretPathView(call, await secretPath.reveal()),
    }),
    defineRoute({
      id: 'provisioning.secretPath.rotate',
      method: 'POST',
      path: '/secret-path/rotate',
      summary: 'Replace the secret provisioning path (set the new DHCP option 66 value; claimed phones move to it at their next authenticated fetch)',
      permission: 'provisioning.secrets',
      audit: { target: () => 'provisioning:secret-path' },
      handler: async (call) => secretPathView(call, await secretPath.rotate()),
    }),
    defineRoute({
      id: 'provisioning.models.list',
      method: 'GET',
      path: '/models',
      summary: 'Vendors and the models Carillon provisions, with their accounts, keys and expansion modules',
      permission: 'provisioning.read',
      handler: () => ({ items: vendors.list().map((v) => ({ vendor: v.id, name: v.displayName, macPrefixes: v.macPrefixes, models: v.models })) }),
    }),
    defineRoute({
      id: 'provisioning.models.getOverride',
      method: 'GET',
      path: '/models/:vendor/:model/override',
      summary: "A model's template override: extra values (P-values or aliases) every phone of that model gets",
      permission: 'provisioning.read',
      input: { params: modelParams },
      handler: ({ params }) => devices.getModelOverride(params.vendor, params.model),
    }),
    defineRoute({
      id: 'provisioning.models.setOverride',
      method: 'PUT',
      path: '/models/:vendor/:model/override',
      summary: "Set a model's template override (a phone's own override wins); an empty object removes it",
      permission: 'provisioning.manage',
      input: { params: modelParams, body: z.strictObject({ extraValues }) },
      audit: { target: (call) => `model:${(call.params as { vendor: string; model: string }).vendor}/${(call.params as { model: string }).model}` },
      handler: ({ params, body }) => {
        if (!vendors.get(params.vendor)) throw HttpError.notFound('vendor', `No vendor "${params.vendor}".`);
        return devices.setModelOverride(params.vendor, params.model, body.extraValues);
      },
    }),
  ];
}
