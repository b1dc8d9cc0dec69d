/**
 * The CDR userfield the generated dialplan writes (contract with the dialplan generator):
 * `carillon;call=<linkedid>;dir=<in|out|internal>;to=<extension or dialled number>;dialstatus=<DIALSTATUS>;hint=<closed|dnd|>`.
 */
export interface DialplanUserfield {
  linkedid: string;
  direction: 'inbound' | 'outbound' | 'internal' | null;
  to: string;
  dialstatus: string;
  hint: string;
}

const DIRECTIONS: Record<string, DialplanUserfield['direction']> = { in: 'inbound', out: 'outbound', internal: 'internal' };

/** Null for an empty userfield or one that is not Carillon's (application calls, other tools). */
export function parseUserfield(userfield: string): DialplanUserfield | null {
  const parts = userfield.trim().split(';');
  if (parts[0] !== 'carillon') return null;
  // A CDR of two bridged channels holds party A's userfield, then ';' and party B's when B set one
  // too (Asterisk's cdr.c): only the first group is this line's channel (a blind-transferred
  // callee names its call after the caller's line was written, measured on Asterisk 22.9).
  const second = parts.indexOf('carillon', 1);
  const values = new Map<string, string>();
  for (const part of parts.slice(1, second > 0 ? second : undefined)) {
    const eq = part.indexOf('=');
    if (eq > 0) values.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const linkedid = values.get('call') ?? '';
  if (!linkedid) return null;
  return {
    linkedid,
    direction: DIRECTIONS[values.get('dir') ?? ''] ?? null,
    to: values.get('to') ?? '',
    dialstatus: values.get('dialstatus') ?? '',
    hint: values.get('hint') ?? '',
  };
}
