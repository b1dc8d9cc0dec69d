/**
 * Stable codes for regular-expression checks. zod reports a failed `.regex()` as
 * `invalid_format` with the pattern, which says nothing a translation can use; a schema that
 * wraps its pattern in `codedPattern(re, 'internal_number')` gets that code in its field errors
 * (and keeps the pattern in the OpenAPI document), so the UI can word it in the reader's language.
 */
const codes = new Map<string, string>();

export function codedPattern(pattern: RegExp, code: string): RegExp {
  codes.set(String(pattern), code);
  return pattern;
}

/** The code of a pattern as a zod issue gives it (`/^…$/`), if it has one. */
export function patternCode(pattern: unknown): string | undefined {
  return typeof pattern === 'string' ? codes.get(pattern) : undefined;
}
