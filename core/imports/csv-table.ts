import { detectCsvFormat, type CsvFormat, type CsvFormatChoice } from './csv-format';
import { readCsvRecords, type CsvRecord } from './csv-reader';

export interface CsvTable {
  format: CsvFormat;
  /** The header row, each name trimmed. */
  header: string[];
  /** The data records, fields trimmed, rows with only empty fields left out. */
  rows: CsvRecord[];
}

/**
 * Reads a small CSV file held in memory (an upload of at most a few hundred kilobytes, such as a
 * list of extensions) into a table, with the same detection and parsing as a streamed import.
 * Refuses the whole file (CsvFileError) when it cannot be read.
 */
export async function readCsvTable(bytes: Buffer, chosen: CsvFormatChoice = {}): Promise<CsvTable> {
  const format = detectCsvFormat(bytes, chosen, true);
  let header: string[] | null = null;
  const rows: CsvRecord[] = [];
  for await (const record of readCsvRecords(bytes, format)) {
    const values = record.values.map((v) => v.trim());
    if (!header) header = values;
    else if (values.some((v) => v !== '')) rows.push({ line: record.line, values });
  }
  // detectCsvFormat refused a blank first line, so the header row exists.
  return { format, header: header!, rows };
}
