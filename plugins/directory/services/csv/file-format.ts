import fs from 'node:fs';
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { CsvFileError } from './csv-errors';

export const ENCODINGS = ['utf-8', 'windows-1252', 'iso-8859-1'] as const;
export type CsvEncoding = (typeof ENCODINGS)[number];

export const SEPARATORS = { comma: ',', semicolon: ';', tab: '\t' } as const;
export type SeparatorName = keyof typeof SEPARATORS;

export interface CsvFormat {
  encoding: CsvEncoding;
  separator: SeparatorName;
  encodingDetected: boolean;
  separatorDetected: boolean;
}

const SAMPLE_BYTES = 64 * 1024;

function readSample(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const read = fs.readSync(fd, buffer, 0, SAMPLE_BYTES, 0);
    return buffer.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

function isUtf8(sample: Buffer, wholeFile: boolean): boolean {
  // A sample may end inside a multi-byte character: drop an incomplete tail before checking.
  let end = sample.length;
  if (!wholeFile) {
    let back = 0;
    while (back < 3 && end - back - 1 >= 0 && (sample[end - back - 1] & 0xc0) === 0x80) back++;
    if (end - back - 1 >= 0 && sample[end - back - 1] >= 0xc0) end = end - back - 1;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/**
 * UTF-8 when the bytes are valid UTF-8 (with or without BOM); otherwise the single-byte encoding
 * chardet prefers among Windows-1252 and ISO-8859-1. Bytes 0x80-0x9F are printable only in
 * Windows-1252 (€, ’, œ…), so their presence settles it.
 */
function detectEncoding(sample: Buffer, wholeFile: boolean): CsvEncoding {
  if (sample.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) || isUtf8(sample, wholeFile)) return 'utf-8';
  if (sample.some((byte) => byte >= 0x80 && byte <= 0x9f)) return 'windows-1252';
  const candidates = chardet.analyse(sample).map((m) => m.name.toLowerCase());
  const preferred = candidates.find((name) => name === 'iso-8859-1' || name === 'windows-1252');
  return preferred === 'iso-8859-1' ? 'iso-8859-1' : 'windows-1252';
}

/** The separator that occurs most on the header line, outside quotes. */
function detectSeparator(headerLine: string): SeparatorName {
  const counts: Record<SeparatorName, number> = { comma: 0, semicolon: 0, tab: 0 };
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted) {
      if (char === ',') counts.comma++;
      else if (char === ';') counts.semicolon++;
      else if (char === '\t') counts.tab++;
    }
  }
  const best = (Object.keys(counts) as SeparatorName[]).sort((a, b) => counts[b] - counts[a])[0];
  return counts[best] > 0 ? best : 'comma';
}

/** Reads the start of an uploaded file to settle its encoding and separator (unless chosen). */
export function detectFormat(file: string, chosen: { encoding?: CsvEncoding; separator?: SeparatorName }): CsvFormat {
  const size = fs.statSync(file).size;
  if (size === 0) throw new CsvFileError('csv_empty', 'The file is empty: it needs at least the header row.');
  const sample = readSample(file);
  if (sample.includes(0)) throw new CsvFileError('csv_not_text', 'The file holds binary data (NUL bytes): it is not a CSV text file.');
  const encoding = chosen.encoding ?? detectEncoding(sample, size <= SAMPLE_BYTES);
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
