import type { FieldError } from './problem';
import { HttpError } from './problem';

/**
 * What a string from a request may hold, decided once for every route and both databases
 * (SQLite fails on a NUL where MariaDB stores it; neither should see one):
 * - never a C0 control character or DEL, except tab, line feed and carriage return in JSON bodies,
 *   where multi-line text lives (notes, addresses); path and query strings are single-line;
 * - well-formed Unicode: no lone surrogate (`"\ud800"` in JSON).
 * Header values need no check here: Node's HTTP parser already refuses control characters in them.
 */
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001f\u007f]/;
const MULTI_LINE_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function describe(text: string, forbidden: RegExp): string | null {
  const control = forbidden.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `holds the control character U+${code}${code === '0000' ? ' (NUL)' : ''}, which no field accepts`;
  }
  if (LONE_SURROGATE.test(text)) return 'is not well-formed Unicode (it holds a lone surrogate)';
  return null;
}

function walk(value: unknown, field: string, forbidden: RegExp, errors: FieldError[], depth = 0): void {
  if (errors.length >= 20 || depth > 32) return;
  if (typeof value === 'string') {
    const problem = describe(value, forbidden);
    if (problem) errors.push({ field, code: 'invalid_characters', message: `${field} ${problem}.` });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    const problem = describe(key, SINGLE_LINE_FORBIDDEN);
    if (problem) errors.push({ field: `${field}[key]`, code: 'invalid_characters', message: `A key in ${field} ${problem}.` });
    else walk(inner, `${field}.${key}`, forbidden, errors, depth + 1);
  }
}

/** Refuses, with 400 `invalid_characters` naming each field, a request whose strings break the rule above. */
export function checkRequestText(parts: { params: unknown; query: unknown; body: unknown }): void {
  const errors: FieldError[] = [];
  walk(parts.params, 'params', SINGLE_LINE_FORBIDDEN, errors);
  walk(parts.query, 'query', SINGLE_LINE_FORBIDDEN, errors);
  walk(parts.body, 'body', MULTI_LINE_FORBIDDEN, errors);
  if (errors.length) {
    throw new HttpError(400, 'invalid_characters', 'Invalid characters', `${errors.map((e) => e.message).join(' ')} Remove them and send the request again.`, errors);
  }
}
