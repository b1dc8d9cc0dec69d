import { z } from 'zod';

/**
 * What an audited change did to a resource, field by field, with secrets masked.
 *
 * Masking is layered, so that one forgotten declaration does not leak a secret:
 * 1. fields the route or plugin declares secret (`secretFields`, or a body schema field wrapped in
 *    `secretField()` / given `.meta({ secret: true })`);
 * 2. any field whose name says it is a secret (password, secret, token, key, PIN, hash…);
 * 3. any value equal to, or containing, a secret value seen in the request or its response.
 * A masked field says that it changed, never what it was or became.
 */

export interface FieldChange {
  /** Dotted path of the field, e.g. `name` or `options.codecs`. */
  field: string;
  /** Absent when the resource was created (or the field appeared). */
  before?: unknown;
  /** Absent when the resource was deleted (or the field disappeared). */
  after?: unknown;
  /** The value is a secret: only the fact that it changed is kept. */
  secret?: true;
}

export interface AuditChanges {
  kind: 'created' | 'updated' | 'deleted';
  fields: FieldChange[];
  /** More fields changed than are kept. */
  truncated?: true;
}

export const MASK = '••••••';
const MAX_FIELDS = 200;
const MAX_STRING = 500;
const MAX_DEPTH = 4;
/** Secret values shorter than this are not searched inside other values (too many false hits). */
const MIN_SECRET_VALUE = 4;
/** Bookkeeping columns that change on every write and say nothing to a reader. */
const DEFAULT_IGNORED = new Set(['updatedAt', 'createdAt', 'version']);

/**
 * Names that hold secrets, matched on camelCase and snake_case words: `password`, `sipPassword`,
 * `admin_password`, `secret`, `totpSecret`, `token`, `tokenHash`, `apiKey`, `private_key`,
 * `pin`, `voicemailPin`, `credentials`, `salt`, `cookie`. A bare `key` is not one: contact keys,
 * phone keys and settings keys are identifiers.
 */
const SECRET_WORDS = /^(pass|passwd|password|passphrase|secret|secrets|token|tokens|credential|credentials|hash|salt|pin|otp|totp|cookie)$/;

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** True when a field name says it holds a secret (the safety net under declared fields). */
export function isSecretName(name: string): boolean {
  const parts = words(name);
  if (parts.some((w) => SECRET_WORDS.test(w))) return true;
  // Compounds, whatever the separators: "sippassword", "api_key", "privateKey", "authKey".
  return /password|passwd|secret|apikey|privatekey|authkey|accesskey|signingkey|encryptionkey/.test(name.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

// ---- schema-declared secret fields ---------------------------------------------------------

const SECRET_SCHEMAS = new WeakSet<object>();

/** Marks a body field as secret: `password: secretField(z.string())`. Its value never reaches the audit log. */
export function secretField<T extends z.ZodType>(schema: T): T {
  SECRET_SCHEMAS.add(schema);
  return schema;
}

function marked(schema: z.ZodType): boolean {
  if (SECRET_SCHEMAS.has(schema)) return true;
  const meta = z.globalRegistry.get(schema) as { secret?: unknown } | undefined;
  return meta?.secret === true;
}

type Def = { type?: string; innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType; shape?: Record<string, z.ZodType>; element?: z.ZodType; options?: z.ZodType[] };

function defOf(schema: z.ZodType): Def {
  return ((schema as unknown as { _zod?: { def?: Def } })._zod?.def ?? {}) as Def;
}

const declaredCache = new WeakMap<object, ReadonlySet<string>>();

/** The field names a schema marks secret, at any depth (objects, arrays, optional, default, pipes, unions); cached per schema. */
export function secretFieldsOf(schema: z.ZodType | undefined): ReadonlySet<string> {
  if (!schema) return new Set();
  let found = declaredCache.get(schema);
  if (!found) declaredCache.set(schema, (found = collectSecretFields(schema)));
  return found;
}

function collectSecretFields(schema: z.ZodType | undefined, found = new Set<string>(), depth = 0): Set<string> {
  if (!schema || depth > 8) return found;
  const def = defOf(schema);
  for (const inner of [def.innerType, def.in, def.out, def.element, ...(def.options ?? [])]) if (inner) collectSecretFields(inner, found, depth + 1);
  const shape = def.type === 'object' ? (schema as unknown as { shape: Record<string, z.ZodType> }).shape : undefined;
  for (const [name, field] of Object.entries(shape ?? {})) {
    if (isMarkedDeep(field)) found.add(name);
    collectSecretFields(field, found, depth + 1);
  }
  return found;
}

function isMarkedDeep(schema: z.ZodType, depth = 0): boolean {
  if (marked(schema)) return true;
  if (depth > 6) return false;
  const def = defOf(schema);
  // Wrappers keep the mark of what they wrap: secretField(z.string()).optional() is still secret.
  const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  return inner ? isMarkedDeep(inner, depth + 1) : false;
}

// ---- secret values --------------------------------------------------------------------------

/** Every string held under a secret field (by name or declaration) anywhere in `value`. */
export function secretValuesIn(value: unknown, secretFields: ReadonlySet<string>, into = new Set<string>(), depth = 0): Set<string> {
  if (depth > 8 || value === null || typeof value !== 'object') return into;
  for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
    if (secretFields.has(name) || isSecretName(name)) collectStrings(inner, into, depth + 1);
    else secretValuesIn(inner, secretFields, into, depth + 1);
  }
  return into;
}

function collectStrings(value: unknown, into: Set<string>, depth: number): void {
  if (depth > 8) return;
  if (typeof value === 'string' && value.length >= MIN_SECRET_VALUE) into.add(value);
  else if (value && typeof value === 'object') for (const inner of Object.values(value)) collectStrings(inner, into, depth + 1);
}

// ---- masking and diffing --------------------------------------------------------------------

export interface DiffOptions {
  /** Field names declared secret (schema or route). Names that look secret are masked anyway. */
  secretFields?: Iterable<string>;
  /** Values known to be secrets (from the request and response): masked wherever they appear. */
  secretValues?: Iterable<string>;
  /** Fields left out of the diff (default: updatedAt, createdAt, version). */
  ignoreFields?: Iterable<string>;
}

class Masker {
  readonly secretFields: Set<string>;
  private readonly secretValues: string[];

  constructor(options: DiffOptions) {
    this.secretFields = new Set(options.secretFields ?? []);
    this.secretValues = [...new Set(options.secretValues ?? [])].filter((v) => v.length >= MIN_SECRET_VALUE);
  }

  isSecretField(name: string): boolean {
    return this.secretFields.has(name) || isSecretName(name);
  }

  /** A value safe to store: secrets inside it replaced, long strings cut. */
  clean(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') {
      if (this.secretValues.some((secret) => value.includes(secret))) return MASK;
      return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
    }
    if (value === null || typeof value !== 'object') return value ?? null;
    if (value instanceof Date) return value.toISOString();
    if (depth > MAX_DEPTH) return '…';
    if (Array.isArray(value)) return value.slice(0, 100).map((item) => this.clean(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value)) out[name] = this.isSecretField(name) ? MASK : this.clean(inner, depth + 1);
    return out;
  }
}

function plain(value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return null;
  const json = (value as { toJSON?: () => unknown }).toJSON;
  const data = typeof json === 'function' ? json.call(value) : value;
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

/** Flattens nested objects to dotted paths; arrays and scalars are leaves. */
function flatten(value: Record<string, unknown>, ignored: Set<string>, masker: Masker, prefix = '', depth = 0, out = new Map<string, { value: unknown; secret: boolean }>()) {
  for (const [name, inner] of Object.entries(value)) {
    if (ignored.has(name) || inner === undefined) continue;
    const path = prefix ? `${prefix}.${name}` : name;
    if (masker.isSecretField(name)) out.set(path, { value: inner, secret: true });
    else if (isPlainObject(inner) && depth < MAX_DEPTH) flatten(inner, ignored, masker, path, depth + 1, out);
    else out.set(path, { value: inner, secret: false });
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return new Date(a as string).getTime() === new Date(b as string).getTime();
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The field-by-field difference between two states of a resource (null: it did not exist),
 * masked. Null when nothing is known or nothing changed.
 */
export function diffChanges(before: unknown, after: unknown, options: DiffOptions = {}): AuditChanges | null {
  const was = plain(before);
  const now = plain(after);
  if (!was && !now) return null;
  const masker = new Masker(options);
  const ignored = new Set(options.ignoreFields ?? DEFAULT_IGNORED);
  const left = was ? flatten(was, ignored, masker) : new Map();
  const right = now ? flatten(now, ignored, masker) : new Map();
  const fields: FieldChange[] = [];
  for (const field of [...new Set([...left.keys(), ...right.keys()])]) {
    const a = left.get(field);
    const b = right.get(field);
    // A field shown as null on one side and absent on the other did not change.
    if ((a?.value ?? null) === null && (b?.value ?? null) === null) continue;
    if (a && b && same(a.value, b.value)) continue;
    // A yes/no under a secret name (passwordSet) tells whether one exists, never what it is: shown.
    const flags = [a?.value, b?.value].every((v) => v === undefined || v === null || typeof v === 'boolean');
    if ((a?.secret || b?.secret) && !flags) {
      fields.push({ field, secret: true });
      continue;
    }
    const change: FieldChange = { field };
    if (a) change.before = masker.clean(a.value);
    if (b) change.after = masker.clean(b.value);
    fields.push(change);
  }
  const kind = !was ? 'created' : !now ? 'deleted' : 'updated';
  if (!fields.length && kind === 'updated') return null;
  return fields.length > MAX_FIELDS ? { kind, fields: fields.slice(0, MAX_FIELDS), truncated: true } : { kind, fields };
}
