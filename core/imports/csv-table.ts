import { CsvError, parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { HttpError } from '../http/problem';

export const CSV_SEPARATORS = { comma: ',', semicolon: ';', tab: '\t' } as const;
export type CsvSeparator = keyof typeof CSV_SEPARATORS;
export type CsvEncoding = 'utf-8' | 'windows-1252';

export interface CsvTable {
  /** What was detected (or chosen): said back to the person so a wrong guess is visible. */
  format: { encoding: CsvEncoding; separator: CsvSeparator };
  header: string[];
  /** Data records with the file line each starts on (the header is line 1). */
  rows: Array<{ line: number; values: string[] }>;
}

/** A file refused as a whole (nothing read from it is used), with a stable code. */
export function csvFileRefused(code: string, message: string): HttpError {
  return new HttpError(422, code, 'CSV file refused', `${message} Nothing was changed.`, [{ field: 'file', code, message }]);
}

/** The separator that occurs most on the header line, outside quotes. */
function detectSeparator(headerLine: string): CsvSeparator {
  const counts: Record<CsvSeparator, number> = { comma: 0, semicolon: 0, tab: 0 };
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted) {
      if (char === ',') counts.comma++;
      else if (char === ';') counts.semicolon++;
      else if (char === '\t') counts.tab++;
    }
  }
  const best = (Object.keys(counts) as CsvSeparator[]).sort((a, b) => counts[b] - counts[a])[0]!;
  return counts[best] > 0 ? best : 'comma';
}

/**
 * Reads a small CSV file held in memory (an upload of at most a few hundred kilobytes, such as a
 * list of extensions): UTF-8 when its bytes are valid UTF-8 (with or without BOM), else
 * Windows-1252 (what Excel writes in France); separator detected on the header line unless
 * chosen; quotes, CRLF and line breaks inside quotes handled by csv-parse. The directory plugin's
 * streaming reader does the same for files too large to hold.
 */
export function readCsvTable(bytes: Buffer, chosen: { separator?: CsvSeparator } = {}): CsvTable {
  if (bytes.length === 0) throw csvFileRefused('csv_empty', 'The file is empty: it needs at least the header row.');
  if (bytes.includes(0)) throw csvFileRefused('csv_not_text', 'The file holds binary data (NUL bytes): it is not a CSV text file.');
  let encoding: CsvEncoding = 'utf-8';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    encoding = 'windows-1252';
    text = iconv.decode(bytes, encoding);
  }
  text = text.replace(/^\uFEFF/, '');
  const headerLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (!headerLine.trim()) throw csvFileRefused('csv_no_header', 'The first line is empty: it must hold the column names.');
  const separator = chosen.separator ?? detectSeparator(headerLine);
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { delimiter: CSV_SEPARATORS[separator], relax_column_count: true, skip_empty_lines: true, info: true }) as typeof records;
  } catch (err) {
    if (err instanceof CsvError) throw csvFileRefused('csv_malformed', `${err.message.replace(/^Invalid [^:]*: /, '')}.`);
    throw err;
  }
  const [header, ...data] = records;
  // info.lines is the line a record ends on; a record spanning lines starts earlier.
  const rows = data
    .map(({ record, info }) => ({ line: info.lines - record.reduce((n, v) => n + (v.match(/\n/g)?.length ?? 0), 0), values: record.map((v) => v.trim()) }))
    .filter((row) => row.values.some((v) => v !== ''));
  return { format: { encoding, separator }, header: header!.record.map((h) => h.trim()), rows };
}
