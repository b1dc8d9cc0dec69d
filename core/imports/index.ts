/** The import facility, as core and plugins (through `@carillon/plugin-api`) use it: see README.md. */
export { CsvFileError } from './csv-errors';
export { CSV_ENCODINGS, CSV_SEPARATORS, FORMAT_SAMPLE_BYTES, detectCsvFormat, detectCsvFileFormat } from './csv-format';
export type { CsvEncoding, CsvSeparator, CsvFormat, CsvFormatChoice } from './csv-format';
export { readCsvRecords, readCsvFile } from './csv-reader';
export type { CsvRecord } from './csv-reader';
export { readCsvTable } from './csv-table';
export type { CsvTable } from './csv-table';
export { foldHeader, matchColumns } from './columns';
export type { ImportColumn, ColumnMatch } from './columns';
export { readUpload, receiveUpload } from './upload';
export { batchRefused, MAX_LISTED_PROBLEMS } from './row-problems';
export type { RowProblem } from './row-problems';
export type { ImportProgressCounts } from './progress';
