// CDR records as cdr_csv writes them to Master.csv with `usegmtime`, `loguniqueid` and
// `loguserfield` on (see 10-cdr.jsonl of the reference traces).
import fs from 'node:fs';

export interface CdrFields {
  accountcode: string;
  src: string;
  dst: string;
  dcontext: string;
  clid: string;
  channel: string;
  dstchannel: string;
  lastapp: string;
  lastdata: string;
  start: string;
  /** Empty for an unanswered call (written unquoted). */
  answer: string;
  end: string;
  duration: number;
  billsec: number;
  disposition: 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED';
  amaflags: 'DOCUMENTATION';
  uniqueid: string;
  userfield: string;
}

export interface CdrRecord {
  /** The Master.csv line, without the newline. */
  raw: string;
  fields: CdrFields;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC. */
export function cdrTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;

export function cdrLine(f: CdrFields): string {
  return [
    quote(f.accountcode),
    quote(f.src),
    quote(f.dst),
    quote(f.dcontext),
    quote(f.clid),
    quote(f.channel),
    quote(f.dstchannel),
    quote(f.lastapp),
    quote(f.lastdata),
    quote(f.start),
    f.answer ? quote(f.answer) : '',
    quote(f.end),
    String(f.duration),
    String(f.billsec),
    quote(f.disposition),
    quote(f.amaflags),
    quote(f.uniqueid),
    quote(f.userfield),
  ].join(',');
}

/** Keeps records in memory and, when given a file, appends them like cdr_csv does. */
export class CdrLog {
  readonly records: CdrRecord[] = [];

  constructor(
    private readonly options: { file?: string; unanswered: boolean },
  ) {}

  write(fields: CdrFields): void {
    // cdr.conf `unanswered=no` (Asterisk's default) drops unanswered records of originated calls.
    if (fields.disposition !== 'ANSWERED' && !this.options.unanswered) return;
    const record = { raw: cdrLine(fields), fields };
    this.records.push(record);
    if (this.options.file) fs.appendFileSync(this.options.file, `${record.raw}\n`);
  }
}
