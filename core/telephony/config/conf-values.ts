import net from 'node:net';

/**
 * Values checked before they reach an Asterisk file. Asterisk's config syntax has no quoting:
 * a newline starts a new setting, `;` starts a comment, `[` a section, `,` splits application
 * arguments and `${…}` / `$[…]` are evaluated in the dialplan. So identifiers (numbers, names
 * of sections, patterns) must match a strict form or the whole generation is refused; free text
 * (display names) is only ever written where it is inert (pjsip `callerid`, comments) after its
 * dangerous characters are removed.
 */
export class ConfigValueError extends Error {
  readonly code = 'telephony_config_invalid';
  constructor(
    /** Where in the snapshot, e.g. `extensions[2].sipUsername`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

function check(field: string, value: unknown, pattern: RegExp, expected: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new ConfigValueError(field, `expected ${expected}; got ${JSON.stringify(value)}`);
  return value;
}

/** An internal number (extension, ring group, voicemail box). */
export const internalNumber = (field: string, value: unknown) => check(field, value, /^[0-9]{1,15}$/, 'digits only (1 to 15)');

/** A number someone dials or forwards to: digits, `*`, `#`, an optional leading `+`. */
export const dialledNumber = (field: string, value: unknown) => check(field, value, /^\+?[0-9*#]{1,32}$/, 'a phone number (digits, *, #, optional leading +)');

/** A DID as the operator sends it, E.164. */
export const did = (field: string, value: unknown) => check(field, value, /^\+?[0-9]{2,20}$/, 'an E.164 number such as +33123456789');

/** Digits to prepend to a dialled number. */
export const prefix = (field: string, value: unknown) => check(field, value, /^\+?[0-9*#]{0,16}$/, 'digits (optional leading +)');

/**
 * An Asterisk dial pattern (`_0[1-9]XXXXXXXX`, `_00.`) or a literal number. Only pattern
 * characters: no `,` (it would end the extension name) and no `/` (it would add a caller match).
 */
export function dialPattern(field: string, value: unknown): string {
  const literal = /^\+?[0-9*#]{1,32}$/;
  const pattern = /^_[0-9XNZxnz*#+.!\[\]-]{1,64}$/;
  if (typeof value === 'string' && (literal.test(value) || (pattern.test(value) && balancedBrackets(value)))) return value;
  throw new ConfigValueError(field, `expected an Asterisk dial pattern such as _0[1-9]XXXXXXXX; got ${JSON.stringify(value)}`);
}

function balancedBrackets(value: string): boolean {
  let open = false;
  for (const char of value) {
    if (char === '[') {
      if (open) return false;
      open = true;
    } else if (char === ']') {
      if (!open) return false;
      open = false;
    }
  }
  return !open;
}

/** A name used as a PJSIP section (endpoint, aor, auth) and in dial strings. */
export const sectionName = (field: string, value: unknown) => check(field, value, /^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" and "-" (at most 64)');

/** A name used inside a dialplan context name (restriction classes). */
export const contextPart = (field: string, value: unknown) => check(field, value, /^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, "_" and "-" (at most 40)');

/** A SIP user part (trunk username, from user). */
export const sipUser = (field: string, value: unknown) => check(field, value, /^[A-Za-z0-9._~+%-]{1,64}$/, 'a SIP user name (letters, digits, . _ ~ + % -)');

/** A host name or IP address (an IPv6 address may come in brackets; it is returned without). */
export function host(field: string, value: unknown): string {
  if (typeof value === 'string' && /^\[.*\]$/.test(value) && net.isIPv6(value.slice(1, -1))) return value.slice(1, -1);
  if (typeof value === 'string' && (net.isIP(value) !== 0 || /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(value))) return value;
  throw new ConfigValueError(field, `expected a host name or IP address; got ${JSON.stringify(value)}`);
}

/** `host:port`, with IPv6 addresses in brackets as SIP URIs and pjsip `bind` want them. */
export function hostPort(hostValue: string, port: number): string {
  return `${net.isIPv6(hostValue) ? `[${hostValue}]` : hostValue}:${port}`;
}

export function ipAddress(field: string, value: unknown): string {
  if (typeof value === 'string' && net.isIP(value) !== 0) return value;
  throw new ConfigValueError(field, `expected an IP address; got ${JSON.stringify(value)}`);
}

/** An address or network in CIDR form (`192.0.2.10`, `10.0.0.0/8`, `2001:db8::/32`). */
export function cidr(field: string, value: unknown): string {
  if (typeof value === 'string') {
    const [address, bits, extra] = value.split('/');
    const family = net.isIP(address ?? '');
    const max = family === 6 ? 128 : 32;
    if (family !== 0 && extra === undefined && (bits === undefined || (/^[0-9]{1,3}$/.test(bits) && Number(bits) <= max))) return value;
  }
  throw new ConfigValueError(field, `expected an IP address or network such as 192.0.2.0/24; got ${JSON.stringify(value)}`);
}

export function port(field: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535) return value;
  throw new ConfigValueError(field, `expected a port from 1 to 65535; got ${JSON.stringify(value)}`);
}

export function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  throw new ConfigValueError(field, `expected an integer from ${min} to ${max}; got ${JSON.stringify(value)}`);
}

/** A Stasis route: it travels as one comma-separated argument of Stasis(). */
export const stasisRoute = (field: string, value: unknown) => check(field, value, /^[A-Za-z0-9_.@+:-]{1,64}$/, 'letters, digits and . _ @ + : - (1 to 64)');

/** A Stasis argument (may be empty). */
export const stasisArg = (field: string, value: unknown) => check(field, value, /^[A-Za-z0-9_.@+:-]{0,64}$/, 'letters, digits and . _ @ + : - (at most 64)');

/** An e-mail address for voicemail.conf, whose fields are split on `,` and options on `|`. */
export const email = (field: string, value: unknown) => check(field, value, /^[^\s,;|"'\\<>()\[\]{}$]+@[A-Za-z0-9.-]+$/, 'an e-mail address');

/** "HH:MM" on a 24-hour clock; "24:00" closes at midnight. */
export function clockMinutes(field: string, value: unknown): number {
  const match = typeof value === 'string' ? /^([01][0-9]|2[0-4]):([0-5][0-9])$/.exec(value) : null;
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!match || minutes > 24 * 60) throw new ConfigValueError(field, `expected a time such as 09:00; got ${JSON.stringify(value)}`);
  return minutes;
}

/** An ISO calendar date (holidays). */
export function isoDate(field: string, value: unknown): string {
  if (typeof value === 'string' && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) {
    const date = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)) return value;
  }
  throw new ConfigValueError(field, `expected a date such as 2026-12-25; got ${JSON.stringify(value)}`);
}

/** An IANA time zone that this system (and so Asterisk's tz database) knows. */
export function timeZone(field: string, value: unknown): string {
  if (typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(value)) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      return value;
    } catch {
      // Unknown zone: refused below.
    }
  }
  throw new ConfigValueError(field, `expected an IANA time zone such as Europe/Paris; got ${JSON.stringify(value)}`);
}

/** An absolute path Asterisk writes to (MixMonitor), with no character the dialplan would interpret. */
export const absolutePath = (field: string, value: unknown) => check(field, value, /^\/[A-Za-z0-9/._-]*$/, 'an absolute path of letters, digits, / . _ -');

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Free text shown to people (names). Control characters (a newline would start a new setting)
 * are refused; characters that would end a quoted caller ID, start a comment or (`$`) a
 * variable substitution where Asterisk expands text (voicemail e-mails) are dropped.
 */
export function displayText(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new ConfigValueError(field, `expected text; got ${JSON.stringify(value)}`);
  if (CONTROL.test(value)) throw new ConfigValueError(field, 'must not contain line breaks or control characters');
  return value.replace(/[";\\<>\[\]$]/g, '').replace(/\s+/g, ' ').trim().slice(0, 80);
}

/**
 * A secret as pjsip.conf reads it: the value is taken as is up to a `;`, which `\;` keeps.
 * Control characters and surrounding spaces (trimmed by the parser) are refused.
 */
export function secret(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new ConfigValueError(field, 'must not be empty');
  if (CONTROL.test(value)) throw new ConfigValueError(field, 'must not contain line breaks or control characters');
  if (value.trim() !== value) throw new ConfigValueError(field, 'must not start or end with a space');
  return value.replace(/;/g, '\\;');
}
