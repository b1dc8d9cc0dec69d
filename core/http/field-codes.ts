import type { z } from 'zod';

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

/** Scalar details of a zod issue a translation may use ("at least {minimum} characters"). */
const ISSUE_DETAILS = ['origin', 'minimum', 'maximum', 'format', 'inclusive', 'exact'] as const;

/**
 * A field error's stable code and parameters: a custom check names its own code in
 * `params.code` (`invalid_phone_number`) and gives its values in the other params; zod's own checks keep
 * their code (`too_small`) with their scalar details.
 */
export function issueCode(issue: z.core.$ZodIssue): { code: string; params?: Record<string, string | number | boolean> } {
  const params: Record<string, string | number | boolean> = {};
  const source: Record<string, unknown> = issue.code === 'custom' ? { ...(issue.params ?? {}) } : Object.fromEntries(ISSUE_DETAILS.map((key) => [key, (issue as unknown as Record<string, unknown>)[key]]));
  const own =
    issue.code === 'custom' && typeof source.code === 'string'
      ? source.code
      : issue.code === 'invalid_format' && issue.format === 'regex'
        ? (patternCode(issue.pattern) ?? null)
        : null;
  delete source.code;
  for (const [key, value] of Object.entries(source)) {
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) params[key] = value;
    else if (typeof value === 'bigint') params[key] = Number(value);
  }
  return { code: own ?? issue.code, params: Object.keys(params).length ? params : undefined };
}
