import { HttpError } from '../../../../core/plugin-api';

/** A file refused as a whole (nothing is planned or changed), with a stable code and a reason. */
export class CsvFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }

  toHttp(): HttpError {
    const where = this.line ? ` (line ${this.line})` : '';
    return new HttpError(422, this.code, 'CSV file refused', `${this.message}${where} Nothing was changed.`, [
      { field: 'file', code: this.code, message: `${this.message}${where}` },
    ]);
  }
}
