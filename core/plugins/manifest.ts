import semver from 'semver';
import { z } from 'zod';
import { PERMISSION_KEY, type PermissionDefinition } from '../auth/permissions';
import { localisedTextSchema } from '../i18n/localised-text';
import { PluginError } from './errors';
import { describeSettings, isSettingsSchema, type SettingsSchema } from './plugin-settings';
import { PLUGIN_API_VERSION, type PluginManifest } from './types';

export const PLUGIN_ID = /^[a-z][a-z0-9-]{1,39}$/;

const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'a function');

const manifestSchema = z.strictObject({
  id: z.string().regex(PLUGIN_ID, 'lower-case letters, digits and dashes, starting with a letter (2 to 40 characters)'),
  version: z.string().refine((v) => semver.valid(v) !== null, 'a semver version such as 1.2.0'),
  apiVersion: z.string().refine((v) => semver.validRange(v) !== null, 'a semver range such as ^1'),
  displayName: z.union([z.string().min(1).max(80), z.object({ en: z.string().min(1).max(80), fr: z.string().min(1).max(80) }).catchall(z.string().min(1).max(80))]).optional(),
  description: z.string().max(500).optional(),
  dependsOn: z.array(z.string().regex(PLUGIN_ID)).default([]),
  optionalDeps: z.array(z.string().regex(PLUGIN_ID)).default([]),
  permissions: z
    .array(
      z.union([
        z.string().regex(PERMISSION_KEY, 'a permission such as example.read'),
        z.strictObject({
          key: z.string().regex(PERMISSION_KEY, 'a permission such as example.read'),
          // { en, fr } shows in the admin's language; a plain string is shown to everyone as is.
          description: z.union([z.string().max(255), localisedTextSchema]).default(''),
          defaultRoles: z.array(z.string()).optional(),
        }),
      ]),
    )
    .default([]),
  register: fn.optional(),
  start: fn.optional(),
  stop: fn.optional(),
  health: fn.optional(),
  settings: z.custom<SettingsSchema>(isSettingsSchema, 'a zod object made with z.object from @carillon/plugin-api').optional(),
});

export interface ValidManifest extends PluginManifest {
  dependsOn: string[];
  optionalDeps: string[];
  permissionDefinitions: PermissionDefinition[];
}

/** Validates a manifest strictly, then checks it against this host's plugin API version. */
export function validateManifest(raw: unknown): ValidManifest {
  const result = manifestSchema.safeParse(raw);
  if (!result.success) {
    const reasons = result.error.issues.map((i) => `${i.path.join('.') || 'manifest'}: ${i.message}`).join('; ');
    throw new PluginError('plugin_manifest_invalid', `Invalid plugin manifest: ${reasons}`);
  }
  const manifest = result.data;
  const permissionDefinitions = manifest.permissions.map((p) => (typeof p === 'string' ? { key: p, description: '' } : p));
  const foreign = permissionDefinitions.filter((p) => !p.key.startsWith(`${manifest.id}.`));
  if (foreign.length) {
    throw new PluginError('plugin_manifest_invalid', `Invalid plugin manifest: permissions must start with "${manifest.id}." (${foreign.map((p) => p.key).join(', ')})`);
  }
  if (manifest.settings) {
    const configure = `${manifest.id}.configure`;
    if (!permissionDefinitions.some((p) => p.key === configure)) {
      throw new PluginError('plugin_manifest_invalid', `Invalid plugin manifest: a plugin with settings declares the permission "${configure}" (who may change them)`);
    }
    try {
      describeSettings(manifest.settings);
    } catch (err) {
      throw new PluginError('plugin_manifest_invalid', `Invalid plugin manifest: settings: ${(err as Error).message}`);
    }
  }
  if (manifest.dependsOn.includes(manifest.id)) throw new PluginError('plugin_manifest_invalid', 'Invalid plugin manifest: a plugin cannot depend on itself');
  if (!semver.satisfies(PLUGIN_API_VERSION, manifest.apiVersion)) {
    throw new PluginError(
      'plugin_api_incompatible',
      `Plugin API ${manifest.apiVersion} is required but this Carillon provides ${PLUGIN_API_VERSION}; install a version of the plugin made for it.`,
    );
  }
  return { ...(manifest as unknown as PluginManifest), dependsOn: manifest.dependsOn, optionalDeps: manifest.optionalDeps, permissionDefinitions };
}
