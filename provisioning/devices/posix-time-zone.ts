import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';

const ZONEINFO = '/usr/share/zoneinfo';
const cache = new Map<string, string | null>();

/**
 * The POSIX TZ rule of an IANA zone (`Europe/Paris` → `CET-1CEST,M3.5.0,M10.5.0/3`), the form
 * phones take as a "self-defined" time zone. It is the footer of the zone's TZif file (version 2
 * and later). Without the system's zone files, a zone without daylight saving still gets its
 * fixed offset; otherwise null (the phone then keeps its own setting).
 */
export function posixTimeZone(zone: string, zoneinfoDir = ZONEINFO): string | null {
  const key = `${zoneinfoDir}|${zone}`;
  if (cache.has(key)) return cache.get(key)!;
  const rule = fromTzif(zone, zoneinfoDir) ?? fixedOffsetRule(zone);
  cache.set(key, rule);
  return rule;
}

function fromTzif(zone: string, zoneinfoDir: string): string | null {
  // Zone names are letters, digits, `/`, `_`, `-`, `+`: never a path outside the folder.
  if (!/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return null;
  let data: Buffer;
  try {
    data = fs.readFileSync(path.join(zoneinfoDir, zone));
  } catch {
    return null;
  }
  if (data.length < 44 || data.toString('latin1', 0, 4) !== 'TZif' || data[4] === 0) return null;
  // The footer is the last line: "\n<rule>\n".
  const end = data.length - 1;
  if (data[end] !== 0x0a) return null;
  const start = data.lastIndexOf(0x0a, end - 1);
  if (start < 0) return null;
  const rule = data.toString('latin1', start + 1, end);
  return /^[\x20-\x7e]{1,64}$/.test(rule) ? rule : null;
}

function fixedOffsetRule(zone: string): string | null {
  const january = DateTime.fromObject({ year: 2025, month: 1, day: 15 }, { zone });
  const july = DateTime.fromObject({ year: 2025, month: 7, day: 15 }, { zone });
  if (!january.isValid || january.offset !== july.offset) return null;
  // POSIX offsets are west-positive: UTC+1 is "<+01>-1".
  const minutes = -january.offset;
  const sign = minutes <= 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hhmm = `${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
  const name = `<${january.toFormat('ZZ').replace(':', '').replace(/00$/, '')}>`;
  return `${name}${sign}${hhmm}`;
}
