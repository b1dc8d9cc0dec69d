/**
 * Asterisk dial patterns: a literal number ("112", "+33123456789") or, after "_", a pattern whose
 * characters are X (0-9), Z (1-9), N (2-9), [sets] such as [1-5] or [13579], digits, *, #, + and,
 * at the end only, "." (one or more characters) or "!" (zero or more). Checked strictly here so a
 * typo is refused at the API instead of silently never matching in the dialplan.
 */
export interface PatternProblem {
  /** Position in the pattern (0-based) where it goes wrong. */
  at: number;
  message: string;
}

const LITERAL = /^[0-9*#+]$/;

export function checkDialPattern(pattern: string): PatternProblem | null {
  if (pattern.length === 0) return { at: 0, message: 'a dial pattern cannot be empty' };
  if (pattern.length > 80) return { at: 80, message: 'a dial pattern has at most 80 characters' };
  if (!pattern.startsWith('_')) {
    for (let i = 0; i < pattern.length; i++) {
      if (!LITERAL.test(pattern[i]!)) return { at: i, message: `"${pattern[i]}" is not allowed in a literal number; start with "_" for a pattern` };
    }
    return null;
  }
  if (pattern.length === 1) return { at: 1, message: 'a pattern needs at least one character after "_"' };
  for (let i = 1; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '.' || char === '!') {
      if (i !== pattern.length - 1) return { at: i, message: `"${char}" may only end a pattern` };
      if (i === 1) return { at: i, message: `"${char}" needs at least one digit or class before it` };
      continue;
    }
    if (LITERAL.test(char) || /^[XZNxzn]$/.test(char)) continue;
    if (char === '[') {
      const end = pattern.indexOf(']', i);
      if (end === -1) return { at: i, message: '"[" is never closed' };
      const problem = checkSet(pattern.slice(i + 1, end), i + 1);
      if (problem) return problem;
      i = end;
      continue;
    }
    return { at: i, message: `"${char}" is not a dial pattern character (X, Z, N, [..], digits, *, #, +, and a final . or !)` };
  }
  return null;
}

function checkSet(body: string, offset: number): PatternProblem | null {
  if (!body) return { at: offset, message: 'an empty [] matches nothing' };
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (!/^[0-9*#]$/.test(char)) return { at: offset + i, message: `"${char}" is not allowed in [..]: digits, * and #, or a range such as 2-5` };
    if (body[i + 1] === '-') {
      const last = body[i + 2];
      if (last === undefined || !/^[0-9]$/.test(last) || !/^[0-9]$/.test(char)) return { at: offset + i, message: 'a range in [..] goes from one digit to another, such as 2-5' };
      if (last < char) return { at: offset + i, message: `the range ${char}-${last} goes backwards` };
      i += 2;
    }
  }
  return null;
}

/** Normalises X/Z/N to upper case (Asterisk accepts both). Call only on a valid pattern. */
export function normaliseDialPattern(pattern: string): string {
  if (!pattern.startsWith('_')) return pattern;
  let out = '';
  let inSet = false;
  for (const char of pattern) {
    if (char === '[') inSet = true;
    if (char === ']') inSet = false;
    out += inSet ? char : char.toUpperCase();
  }
  return out;
}

type Token = { kind: 'set'; chars: Set<string> } | { kind: 'many'; min: number };

function tokens(pattern: string): Token[] {
  const out: Token[] = [];
  const digits = (from: number, to: number) => new Set(Array.from({ length: to - from + 1 }, (_, k) => String(from + k)));
  for (let i = 1; i < pattern.length; i++) {
    const char = pattern[i]!.toUpperCase();
    if (char === 'X') out.push({ kind: 'set', chars: digits(0, 9) });
    else if (char === 'Z') out.push({ kind: 'set', chars: digits(1, 9) });
    else if (char === 'N') out.push({ kind: 'set', chars: digits(2, 9) });
    else if (char === '.') out.push({ kind: 'many', min: 1 });
    else if (char === '!') out.push({ kind: 'many', min: 0 });
    else if (char === '[') {
      const end = pattern.indexOf(']', i);
      const body = pattern.slice(i + 1, end);
      const chars = new Set<string>();
      for (let k = 0; k < body.length; k++) {
        if (body[k + 1] === '-') {
          for (const d of digits(Number(body[k]), Number(body[k + 2]))) chars.add(d);
          k += 2;
        } else chars.add(body[k]!);
      }
      out.push({ kind: 'set', chars });
      i = end;
    } else out.push({ kind: 'set', chars: new Set([char]) });
  }
  return out;
}

/** Whether a dialled number matches a valid pattern, as Asterisk would match it. */
export function dialPatternMatches(pattern: string, number: string): boolean {
  if (!pattern.startsWith('_')) return pattern === number;
  const list = tokens(pattern);
  let i = 0;
  for (const token of list) {
    if (token.kind === 'many') return number.length - i >= token.min;
    if (i >= number.length || !token.chars.has(number[i]!)) return false;
    i++;
  }
  return i === number.length;
}

/** French emergency numbers (ARCEP plan national de numérotation): a restriction may never block them. */
export const EMERGENCY_NUMBERS = ['15', '17', '18', '112', '114', '115', '119', '116000', '191', '196', '197'];
