import fs from 'node:fs';
import iconv from 'iconv-lite';
import { CsvFileError } from './csv-errors';

export const CSV_ENCODINGS = ['utf-8', 'windows-1252', 'iso-8859-1'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

export const CSV_SEPARATORS = { comma: ',', semicolon: ';', tab: '\t' } as const;
export type CsvSeparator = keyof typeof CSV_SEPARATORS;

/** How a file is read; said back to the person (with what was detected) so a wrong guess is visible. */
export interface CsvFormat {
  encoding: CsvEncoding;
  separator: CsvSeparator;
  encodingDetected: boolean;
  separatorDetected: boolean;
}

/** What a person may choose instead of the detection (an import's `encoding` and `separator` query). */
export interface CsvFormatChoice {
  encoding?: CsvEncoding;
  separator?: CsvSeparator;
}

/** The start of a file that settles its format: the header line is in it, and enough text to judge the encoding. */
export const FORMAT_SAMPLE_BYTES = 64 * 1024;

function isUtf8(sample: Buffer, wholeFile: boolean): boolean {
  // A sample may end inside a multi-byte character: drop an incomplete tail before checking.
  let end = sample.length;
  if (!wholeFile) {
    let back = 0;
    while (back < 3 && end - back - 1 >= 0 && (sample[end - back - 1]! & 0xc0) === 0x80) back++;
    if (end - back - 1 >= 0 && sample[end - back - 1]! >= 0xc0) end = end - back - 1;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/**
 * UTF-8 when the bytes are valid UTF-8 (with or without BOM), else Windows-1252: what Excel
 * writes in France, and a superset of ISO-8859-1 for text (every letter decodes the same; only
 * the unprintable C1 controls differ), so guessing between the two would change the label only.
 * ISO-8859-1 stays available as an explicit choice.
 */
function detectEncoding(sample: Buffer, wholeFile: boolean): CsvEncoding {
  if (sample.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) || isUtf8(sample, wholeFile)) return 'utf-8';
  return 'windows-1252';
}

/** The separator that occurs most on the header line, outside quotes (comma when none does). */
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
 * Settles the encoding and separator of a file from its first bytes (unless chosen), refusing an
 * empty file, binary data and a file whose first line is blank. `wholeFile`: the sample is the
 * whole file (it cannot end inside a character).
 */
export function detectCsvFormat(sample: Buffer, chosen: CsvFormatChoice, wholeFile: boolean): CsvFormat {
  if (sample.length === 0) throw new CsvFileError('csv_empty', 'The file is empty: it needs at least the header row.');
  if (sample.includes(0)) throw new CsvFileError('csv_not_text', 'The file holds binary data (NUL bytes): it is not a CSV text file.');
  const encoding = chosen.encoding ?? detectEncoding(sample, wholeFile);
  const text = iconv.decode(sample, encoding).replace(/^\uFEFF/, '');
  const headerLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (!headerLine.trim()) throw new CsvFileError('csv_no_header', 'The first line is empty: it must hold the column names.');
  return {
    encoding,
    separator: chosen.separator ?? detectSeparator(headerLine),
    encodingDetected: !chosen.encoding,
    separatorDetected: !chosen.separator,
  };
}

/** The format of a file on disk (an upload streamed there), from its first 64 KiB. */
export function detectCsvFileFormat(file: string, chosen: CsvFormatChoice): CsvFormat {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(FORMAT_SAMPLE_BYTES);
    const read = fs.readSync(fd, buffer, 0, FORMAT_SAMPLE_BYTES, 0);
    return detectCsvFormat(buffer.subarray(0, read), chosen, fs.fstatSync(fd).size <= FORMAT_SAMPLE_BYTES);
  } finally {
    fs.closeSync(fd);
  }
}
