/** The offset (ms) of `timeZone` from UTC at `at`. */
function offsetAt(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at / 1000) * 1000;
}

/**
 * The instant a calendar day (`YYYY-MM-DD`) starts in `timeZone`, plus `days`: the call log's
 * "from" and "to" dates are the user's days, not the browser's nor UTC's.
 */
export function startOfDay(date: string, timeZone: string, days = 0): string {
  const [year, month, day] = date.split('-').map(Number);
  const guess = Date.UTC(year, month - 1, day + days);
  let at = guess - offsetAt(guess, timeZone);
  at = guess - offsetAt(at, timeZone);
  return new Date(at).toISOString();
}

/** Today's date (`YYYY-MM-DD`) in `timeZone`. */
export function today(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * The instant a wall-clock time (`HH:MM`) of a calendar day (`YYYY-MM-DD`) is in `timeZone`, plus
 * `minutes`: the audit log's "from" and "until" are the user's times, not the browser's.
 */
export function atTime(date: string, time: string, timeZone: string, minutes = 0): string {
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute] = time.split(':').map(Number);
  const guess = Date.UTC(year, month - 1, day, hour, minute + minutes);
  let at = guess - offsetAt(guess, timeZone);
  at = guess - offsetAt(at, timeZone);
  return new Date(at).toISOString();
}
