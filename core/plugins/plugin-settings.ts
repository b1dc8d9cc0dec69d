import { z } from 'zod';
import type { SecretBox } from '../security/secret-box';
import type { SettingsService } from '../settings/settings-service';
import { HttpError, type FieldError } from '../http/problem';
import type { LocalisedText } from './types';

/**
 * Plugin settings an admin edits in the UI, described once by the plugin as a zod object (the
 * host's `z`) with `.meta({ label, help, secret, options })` on each field. The host derives the
 * form from it (through zod's JSON Schema), validates saves with it, keeps the values in the
 * `settings` table (secrets sealed with the secret key) and hands the plugin the parsed result.
 */
export type SettingsSchema = z.ZodObject;

export interface SettingsField {
  key: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'secret';
  label: LocalisedText;
  help: LocalisedText | null;
  required: boolean;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  options?: Array<{ value: string; label: LocalisedText }>;
}

interface JsonProperty {
  type?: string;
  enum?: string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  label?: LocalisedText;
  help?: LocalisedText;
  secret?: boolean;
  options?: Record<string, LocalisedText>;
  anyOf?: JsonProperty[];
}

export function isSettingsSchema(value: unknown): value is SettingsSchema {
  return value instanceof z.ZodObject;
}

/** The form fields of a schema, in declaration order. Throws (at register) on a field type a form cannot show. */
export function describeSettings(schema: SettingsSchema): SettingsField[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonProperty>; required?: string[] };
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([key, raw]) => {
    // `.optional()` may come out as anyOf [T, null]-like shapes; take the described branch.
    const prop: JsonProperty = raw.anyOf ? { ...raw.anyOf.find((p) => p.type && p.type !== 'null'), ...raw, anyOf: undefined } : raw;
    const label = prop.label ?? { en: key, fr: key };
    let type: SettingsField['type'];
    if (prop.secret) type = 'secret';
    else if (prop.enum) type = 'enum';
    else if (prop.type === 'string' || prop.type === 'number' || prop.type === 'integer' || prop.type === 'boolean') type = prop.type;
    else throw new Error(`Setting "${key}" has a type a form cannot show (${prop.type ?? 'unknown'}): use a string, number, boolean or enum`);
    const field: SettingsField = { key, type, label, help: prop.help ?? null, required: required.has(key) };
    for (const name of ['default', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern'] as const) {
      if (prop[name] !== undefined) (field as unknown as Record<string, unknown>)[name] = prop[name];
    }
    if (type === 'secret') delete field.default;
    if (prop.enum) field.options = prop.enum.map((value) => ({ value, label: prop.options?.[value] ?? { en: value, fr: value } }));
    return field;
  });
}

interface StoredSettings {
  values: Record<string, unknown>;
  /** Sealed with the secret key; never sent back to a browser. */
  secrets: Record<string, string>;
}

const EMPTY: StoredSettings = { values: {}, secrets: {} };

const storageKey = (pluginId: string) => `plugin-settings:${pluginId}`;

/** Why parsed settings are invalid, one line per field. */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; ');
}

/** A sentence an admin understands, from the field's limits, rather than zod's developer wording. */
function messageFor(issue: z.core.$ZodIssue, field: SettingsField | undefined): string {
  if (!field) return issue.message;
  const text = field.type === 'string' || field.type === 'secret';
  switch (issue.code) {
    case 'too_small':
      return text ? `At least ${field.minLength ?? 1} characters.` : `At least ${field.minimum}.`;
    case 'too_big':
      return text ? `At most ${field.maxLength} characters.` : `At most ${field.maximum}.`;
    case 'invalid_format':
      return field.help ? `Not in the expected format: ${field.help.en}` : 'Not in the expected format.';
    case 'invalid_value':
      return `Choose one of: ${(field.options ?? []).map((o) => o.label.en).join(', ')}.`;
    case 'invalid_type':
      if (issue.input === undefined) return 'Required.';
      return field.type === 'integer' ? 'A whole number is expected.' : field.type === 'number' ? 'A number is expected.' : issue.message;
    default:
      return issue.message;
  }
}

export class PluginSettingsStore {
  constructor(
    private readonly settings: SettingsService,
    /** Resolved on first use: the key file is read (or made) only where some plugin has secrets to keep. */
    private readonly box: () => SecretBox,
  ) {}

  private get secretBox(): SecretBox {
    return this.box();
  }

  private async stored(pluginId: string): Promise<StoredSettings> {
    try {
      return (await this.settings.get<StoredSettings>(storageKey(pluginId))) ?? EMPTY;
    } catch {
      // Before core's first migration (a CLI command on a new database) nothing is stored yet.
      return EMPTY;
    }
  }

  /**
   * The settings the plugin runs with: `plugins.config.<id>` from carillon.json, overridden by what
   * admins saved in the UI, parsed by the schema. `problem` says why they do not validate.
   */
  async effective(pluginId: string, schema: SettingsSchema, fileConfig: Record<string, unknown>): Promise<{ values: Record<string, unknown> | null; problem: string | null }> {
    const stored = await this.stored(pluginId);
    const secrets = Object.fromEntries(Object.entries(stored.secrets).map(([key, sealed]) => [key, this.secretBox.decrypt(sealed)]));
    const result = schema.safeParse({ ...fileConfig, ...stored.values, ...secrets });
    return result.success ? { values: result.data as Record<string, unknown>, problem: null } : { values: null, problem: `Invalid settings: ${describeIssues(result.error)}` };
  }

  /** What the form shows: values as saved (or their defaults), secrets only as set / not set. */
  async view(pluginId: string, schema: SettingsSchema, fileConfig: Record<string, unknown>): Promise<{ fields: SettingsField[]; values: Record<string, unknown> }> {
    const fields = describeSettings(schema);
    const stored = await this.stored(pluginId);
    const merged: Record<string, unknown> = { ...fileConfig, ...stored.values };
    const values: Record<string, unknown> = {};
    for (const field of fields) {
      if (field.type === 'secret') values[field.key] = { set: field.key in stored.secrets || typeof fileConfig[field.key] === 'string' };
      else values[field.key] = merged[field.key] ?? field.default ?? null;
    }
    return { fields, values };
  }

  /**
   * Validates and saves a whole form. A secret left out (or `undefined`) keeps its value, `null`
   * clears it, a string replaces it. Nothing is saved unless every field validates; the errors
   * name `body.<key>` as the route validation does, so the form shows each on its field.
   */
  async save(pluginId: string, schema: SettingsSchema, fileConfig: Record<string, unknown>, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const fields = describeSettings(schema);
    const known = new Set(fields.map((f) => f.key));
    const unknown = Object.keys(input).filter((key) => !known.has(key));
    if (unknown.length) throw HttpError.validation(unknown.map((key) => ({ field: `body.${key}`, code: 'unrecognized_keys', message: `Unknown setting "${key}".` })));
    const stored = await this.stored(pluginId);
    const next: StoredSettings = { values: {}, secrets: { ...stored.secrets } };
    const plainSecrets: Record<string, string> = {};
    for (const [key, sealed] of Object.entries(stored.secrets)) plainSecrets[key] = this.secretBox.decrypt(sealed);
    for (const field of fields) {
      const value = input[field.key];
      if (field.type === 'secret') {
        if (value === null || value === '') {
          delete next.secrets[field.key];
          delete plainSecrets[field.key];
        } else if (value !== undefined) plainSecrets[field.key] = value as string;
      } else if (value !== undefined && value !== null && value !== '') next.values[field.key] = value;
    }
    const result = schema.safeParse({ ...fileConfig, ...next.values, ...plainSecrets });
    if (!result.success) {
      const byKey = new Map(fields.map((f) => [f.key, f]));
      const errors: FieldError[] = result.error.issues.map((i) => ({ field: ['body', ...i.path.map(String)].join('.'), code: i.code, message: messageFor(i, byKey.get(String(i.path[0]))) }));
      throw HttpError.validation(errors, 'Some settings are missing or invalid; nothing was saved.');
    }
    for (const field of fields) if (field.type === 'secret' && field.key in plainSecrets && typeof plainSecrets[field.key] === 'string') next.secrets[field.key] = this.secretBox.encrypt(plainSecrets[field.key]!);
    await this.settings.set(storageKey(pluginId), next);
    return result.data as Record<string, unknown>;
  }
}
