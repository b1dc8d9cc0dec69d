import { HttpError, type FieldError } from '../http/problem';

/** One reason a row of an import (or of a bulk creation) cannot be applied. */
export interface RowProblem {
  /** The file line (CSV) or the position in the batch (1-based), as the person sees it. */
  row: number;
  /** The column (CSV) or field the problem is in. */
  column: string;
  code: string;
  message: string;
}

/** How many row problems one refusal lists: enough to fix a file, not a megabyte of JSON. */
export const MAX_LISTED_PROBLEMS = 200;

/**
 * The refusal of a whole batch: nothing was applied, every row in error is listed with its
 * reasons (`rows.<row>.<column>`), so the person fixes them all at once.
 */
export function batchRefused(problems: RowProblem[], what: { rows: number; unit: 'line' | 'row' }): HttpError {
  const errors: FieldError[] = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => ({ field: `rows.${p.row}.${p.column}`, code: p.code, message: `${what.unit === 'line' ? 'Line' : 'Row'} ${p.row}, ${p.column}: ${p.message}` }));
  const rowsInError = new Set(problems.map((p) => p.row)).size;
  const more = problems.length > MAX_LISTED_PROBLEMS ? ` The first ${MAX_LISTED_PROBLEMS} problems are listed.` : '';
  return new HttpError(422, 'batch_refused', 'Nothing was applied', `${rowsInError} of ${what.rows} ${what.unit}s cannot be applied, so nothing was changed; fix them and try again.${more}`, errors);
}
