import { HttpError } from '../http/problem';

/**
 * A file refused as a whole (nothing read from it is used, nothing is changed): 422 with a stable
 * code (`csv_empty`, `csv_not_text`, `csv_no_header`, `csv_malformed`, or the importer's own such
 * as `csv_missing_columns`) and, when known, the line it stopped at. It is an HttpError, so a
 * route may let it through as is.
 */
export class CsvFileError extends HttpError {
  constructor(code: string, readonly reason: string, readonly line?: number) {
    const where = line ? ` (line ${line})` : '';
    super(422, code, 'CSV file refused', `${reason}${where} Nothing was changed.`, [{ field: 'file', code, message: `${reason}${where}` }]);
  }
}
