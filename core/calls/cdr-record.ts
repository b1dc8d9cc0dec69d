/** One Master.csv line of cdr_csv with `loguniqueid` and `loguserfield` (columns of 10-cdr.jsonl). */
export interface CdrRecord {
  src: string;
  dst: string;
  dcontext: string;
  clid: string;
  channel: string;
  dstchannel: string;
  lastapp: string;
  lastdata: string;
  start: Date;
  answer: Date | null;
  end: Date;
  duration: number;
  billsec: number;
  disposition: string;
  uniqueid: string;
  userfield: string;
}

/** `YYYY-MM-DD HH:MM:SS`, UTC because the shipped cdr.conf sets `usegmtime`. */
function cdrTime(value: string): Date | null {
  const match = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/**
 * The cells of one cdr_csv line: quoted (a doubled quote inside is a quote) or bare (a quote
 * inside is kept); null when a quoted cell is not closed or is followed by more than a comma.
 * Written for the one shape cdr_csv writes: a general CSV parser called per line was the
 * slowest part of reading a large backlog (0.5 MB/s).
 */
export function cdrCells(line: string): string[] | null {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  const cells: string[] = [];
  for (let i = 0; ; ) {
    let cell = '';
    if (text[i] === '"') {
      for (let from = i + 1; ; ) {
        const quote = text.indexOf('"', from);
        if (quote < 0) return null;
        cell += text.slice(from, quote);
        if (text[quote + 1] !== '"') {
          i = quote + 1;
          break;
        }
        cell += '"';
        from = quote + 2;
      }
      if (i < text.length && text[i] !== ',') return null;
    } else {
      const comma = text.indexOf(',', i);
      cell = text.slice(i, comma < 0 ? text.length : comma);
      i = comma < 0 ? text.length : comma;
    }
    cells.push(cell);
    if (i >= text.length) return cells;
    i++;
  }
}

/**
 * Parses complete Master.csv lines. A line that is not a CDR of the expected shape is skipped
 * (returned in `rejected`) rather than stopping the ingestion of the lines after it.
 */
export function parseCdrLines(text: string): { records: CdrRecord[]; rejected: string[] } {
  const records: CdrRecord[] = [];
  const rejected: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const cells = cdrCells(line);
    // accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags, uniqueid[, userfield]
    if (!cells || cells.length < 17) {
      rejected.push(line);
      continue;
    }
    const start = cdrTime(cells[9]);
    const end = cdrTime(cells[11]);
    if (!start || !end || !cells[16]) {
      rejected.push(line);
      continue;
    }
    records.push({
      src: cells[1],
      dst: cells[2],
      dcontext: cells[3],
      clid: cells[4],
      channel: cells[5],
      dstchannel: cells[6],
      lastapp: cells[7],
      lastdata: cells[8],
      start,
      answer: cdrTime(cells[10]),
      end,
      duration: Number(cells[12]) || 0,
      billsec: Number(cells[13]) || 0,
      disposition: cells[14],
      uniqueid: cells[16],
      userfield: cells[17] ?? '',
    });
  }
  return { records, rejected };
}

/** `"Alice Trace" <7101>` → `Alice Trace`. */
export function nameOfClid(clid: string): string {
  const match = /^\s*"(.*)"\s*<[^>]*>\s*$/.exec(clid);
  return match ? match[1].trim() : '';
}
