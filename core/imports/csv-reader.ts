import fs from 'node:fs';
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { CsvFileError } from './csv-errors';
import { CSV_SEPARATORS, type CsvFormat } from './csv-format';

export interface CsvRecord {
  /** The file line where the record starts (the header is line 1; a quoted field may span lines). */
  line: number;
  /** The fields as written (not trimmed: the importer decides). */
  values: string[];
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/**
 * Reads CSV record by record, the header row first: decoded from its encoding (a UTF-8 BOM
 * dropped), parsed with its separator, CRLF or LF, quotes holding separators and line breaks,
 * blank lines skipped. Only one record is in memory at a time, so a file of any size streams.
 * A syntax error (an unclosed quote…) becomes a CsvFileError: the whole file is refused.
 */
export async function* readCsvRecords(input: Readable | Buffer, format: Pick<CsvFormat, 'encoding' | 'separator'>): AsyncGenerator<CsvRecord> {
  const parser = parse({
    delimiter: CSV_SEPARATORS[format.separator],
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
  });
  const source = Buffer.isBuffer(input) ? Readable.from([input]) : input;
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

/** Streams the records of a file on disk (see readCsvRecords). */
export function readCsvFile(file: string, format: Pick<CsvFormat, 'encoding' | 'separator'>): AsyncGenerator<CsvRecord> {
  return readCsvRecords(fs.createReadStream(file), format);
}
