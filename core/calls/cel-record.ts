/**
 * One CEL record as the shipped cel_custom JSON mapping writes it (appliance/asterisk/cel_custom.conf,
 * the `json` records of the reference traces' 10-cel.jsonl): one JSON object per line.
 */
export interface CelEvent {
  eventtype: string;
  eventtime: Date;
  /** Caller ID name and number of the channel at the event. */
  name: string;
  num: string;
  exten: string;
  context: string;
  channame: string;
  appname: string;
  appdata: string;
  uniqueid: string;
  linkedid: string;
  /** The bridged peer (BRIDGE_ENTER/EXIT), empty otherwise. */
  peer: string;
  /** `eventextra`, parsed (hangupcause, bridge_id, transfer details…); {} when empty or not JSON. */
  extra: Record<string, unknown>;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

/** `1795259702.287064` (epoch seconds, microseconds) or `2026-11-21 11:15:02.287064` (UTC). */
function celTime(value: string): Date | null {
  if (/^\d{9,11}(\.\d+)?$/.test(value)) return new Date(Math.round(Number(value) * 1000));
  const match = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(\.\d+)?$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, Math.round(Number(match[7] ?? 0) * 1000)));
}

function parseExtra(value: string): Record<string, unknown> {
  if (!value.trim().startsWith('{')) return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Parses complete lines of the CEL file. A line that is not a record of the expected shape is
 * returned in `rejected` (and skipped) rather than stopping the lines after it. Keys are read
 * case-insensitively: cel_custom writes the names its `fields` list gives.
 */
export function parseCelLines(lines: string): { events: CelEvent[]; rejected: string[] } {
  const events: CelEvent[] = [];
  const rejected: string[] = [];
  for (const line of lines.split('\n')) {
    if (!line.trim()) continue;
    let raw: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      raw = Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]));
    } catch {
      rejected.push(line);
      continue;
    }
    const eventtime = celTime(text(raw.eventtime));
    const eventtype = text(raw.eventtype);
    const uniqueid = text(raw.uniqueid);
    const linkedid = text(raw.linkedid);
    if (!eventtime || !eventtype || !uniqueid || !linkedid) {
      rejected.push(line);
      continue;
    }
    events.push({
      eventtype,
      eventtime,
      name: text(raw.name),
      num: text(raw.num),
      exten: text(raw.exten),
      context: text(raw.context),
      channame: text(raw.channame),
      appname: text(raw.appname),
      appdata: text(raw.appdata),
      uniqueid,
      linkedid,
      peer: text(raw.peer),
      extra: parseExtra(text(raw.eventextra)),
    });
  }
  return { events, rejected };
}
