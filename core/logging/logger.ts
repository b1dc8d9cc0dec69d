import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Keys whose values are never written to the logs, at any depth up to `REDACT_DEPTH` (request
 * headers, nested inputs). Services must still avoid logging whole request bodies.
 */
export const REDACTED_KEYS = new Set([
  'password', 'newPassword', 'currentPassword', 'sipPassword',
  'token', 'secret', 'totpCode',
  'authorization', 'cookie', 'set-cookie',
]);
const REDACT_DEPTH = 4;
const CENSOR = '[redacted]';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The object with every value under a secret key replaced, copying only what changes (most log
 * lines have nothing to hide and are passed through as they are). This runs on every log line,
 * the access log included: pino's own path redaction parsed its paths again at each line and
 * cost several times the rest of the line.
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (depth >= REDACT_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    value.forEach((item: unknown, i) => {
      const clean = redactSecrets(item, depth + 1);
      if (clean !== item) (copy ??= [...value])[i] = clean;
    });
    return (copy ?? value) as T;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const clean = REDACTED_KEYS.has(key) && item !== undefined && item !== null ? CENSOR : redactSecrets(item, depth + 1);
    if (clean !== item) (copy ??= { ...value })[key] = clean;
  }
  return (copy ?? value) as T;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'carillon' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactSecrets(bindings),
        log: (object) => redactSecrets(object),
      },
      // Errors are serialised after `formatters.log`: their own properties (a client's request
      // options, say) are cleaned here.
      serializers: { err: (err: Error) => redactSecrets({ ...pino.stdSerializers.err(err) }) },
    },
    destination,
  );
}
