import fs from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { CsvFileError } from './csv-errors';
import { SEPARATORS, type CsvFormat } from './file-format';

export interface CsvRecord {
  /** The line where the record starts (a quoted field may span several lines). */
  line: number;
  values: string[];
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/**
 * Streams a CSV file record by record: decoded from its encoding, parsed with its separator,
 * CRLF or LF, quotes holding separators and line breaks. Only one record is in memory at a time.
 * A syntax error (an unclosed quote…) becomes a CsvFileError: the whole file is refused.
 */
export async function* readCsv(file: string, format: CsvFormat): AsyncGenerator<CsvRecord> {
  const parser = parse({
    delimiter: SEPARATORS[format.separator],
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
  });
  const source = fs.createReadStream(file);
  const decoder = iconv.decodeStream(format.encoding);
  source.on('error', (err) => parser.destroy(err));
  decoder.on('error', (err) => parser.destroy(err));
  source.pipe(decoder).pipe(parser);
  // csv-parse counts a CRLF inside a quoted field as two lines: keep the surplus to subtract it.
  let overcount = 0;
  try {
    for await (const item of parser as AsyncIterable<ParsedRecord>) {
      let newlines = 0;
      for (const value of item.record) {
        newlines += value.match(/\n/g)?.length ?? 0;
        overcount += value.match(/\r\n/g)?.length ?? 0;
      }
      yield { line: item.info.lines - overcount - newlines, values: item.record };
    }
  } catch (err) {
    // Every csv-parse error (its codes do not all start with CSV_: INVALID_OPENING_QUOTE) is the file's fault.
    if (err instanceof CsvError) throw new CsvFileError('csv_malformed', err.message.replace(/^Invalid [^:]*: /, ''), (err as CsvError & { lines?: number }).lines);
    throw err;
  } finally {
    source.destroy();
  }
}
