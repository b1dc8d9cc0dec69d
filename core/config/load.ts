import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { configSchema, ENVIRONMENT_KEYS, EXPECTED_FORM, type CarillonConfig, type CarillonConfigInput } from './schema';

export const DEFAULT_CONFIG_FILE = '/etc/carillon/carillon.json';

export class ConfigError extends Error {
  readonly code = 'config_invalid';
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Values that win over file and environment (tests, CLI flags). */
  overrides?: CarillonConfigInput;
  cwd?: string;
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/** Merges nested objects key by key; arrays and other values in `extra` replace those in `base`. */
export function deepMerge<T extends object>(base: T, extra: object): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current)
        ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out as T;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read configuration file ${file}: ${(err as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the top level must be a JSON object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`Configuration file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function describeIssue(issue: z.core.$ZodIssue, sources: Map<string, string>, input: unknown): string {
  const key = issue.path.join('.') || '(top level)';
  const origin = sources.get(key);
  let received: unknown = input;
  for (const part of issue.path) received = (received as Record<PropertyKey, unknown> | undefined)?.[part as PropertyKey];
  const got = received === undefined ? '' : `; got ${JSON.stringify(received)}`;
  if (issue.code === 'unrecognized_keys') {
    return `${key}: unknown key(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  const expected = EXPECTED_FORM[key] ?? issue.message;
  return `${key}${origin ? ` (from ${origin})` : ''}: expected ${expected}${got}`;
}

/** Reads the configuration file and environment, validates them, and resolves paths. */
export function loadConfig(options: LoadConfigOptions = {}): CarillonConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const sources = new Map<string, string>();

  let configFile: string | null = null;
  if (env.CARILLON_CONFIG) configFile = path.resolve(cwd, env.CARILLON_CONFIG);
  else if (fs.existsSync(DEFAULT_CONFIG_FILE)) configFile = DEFAULT_CONFIG_FILE;

  let input: Record<string, unknown> = configFile ? readConfigFile(configFile) : {};
  for (const [name, key] of Object.entries(ENVIRONMENT_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(input, key, value);
    sources.set(key, `environment variable ${name}`);
  }
  if (options.overrides) input = deepMerge(input, options.overrides);

  const result = configSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${describeIssue(issue, sources, input)}`);
    const where = configFile ? ` (file ${configFile})` : '';
    throw new ConfigError(`Invalid configuration${where}:\n${lines.join('\n')}`);
  }
  const config = result.data;
  if (config.http.plainPort !== undefined && !config.http.tls) {
    throw new ConfigError('Invalid configuration:\n  - http.plainPort: only with http.tls (the plain port redirects to HTTPS); set http.tls.certFile and http.tls.keyFile, or drop http.plainPort');
  }
  if (config.http.tls) config.http.tls = { certFile: path.resolve(cwd, config.http.tls.certFile), keyFile: path.resolve(cwd, config.http.tls.keyFile) };
  const dataDir = path.resolve(cwd, config.dataDir);
  return {
    ...config,
    resolved: {
      dataDir,
      databaseUrl: config.database.url ?? `sqlite:${path.join(dataDir, 'carillon.sqlite')}`,
      pluginDir: path.resolve(cwd, config.plugins.dir),
      secretKeyFile: path.resolve(cwd, config.secretKeyFile ?? path.join(dataDir, 'secret.key')),
      configFile,
    },
  };
}

/** Parses "1mb", "512kb" or a number into bytes. */
export function toBytes(size: number | string): number {
  if (typeof size === 'number') return size;
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)$/i.exec(size.trim());
  if (!match) throw new ConfigError(`Not a size: ${size}`);
  const factor = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[match[2].toLowerCase() as 'b' | 'kb' | 'mb' | 'gb'];
  return Math.round(Number(match[1]) * factor);
}
