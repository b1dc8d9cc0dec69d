import { UniqueConstraintError } from 'sequelize';
import { HttpError, type FieldError } from '../../http/problem';

/** Collects field-level problems so one request reports all of them in one 422. */
export class Problems {
  private readonly list: FieldError[] = [];

  add(field: string, code: string, message: string): void {
    this.list.push({ field, code, message });
  }

  /** What was collected, for callers that report it themselves (a batch names the row of each). */
  get items(): readonly FieldError[] {
    return this.list;
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(): void {
    if (this.list.length) throw HttpError.validation(this.list);
  }
}

export function invalidField(field: string, code: string, message: string): HttpError {
  return HttpError.validation([{ field, code, message }]);
}

/** Refuses deleting (or changing) something others still point at, saying who. */
export function stillReferenced(what: string, references: string[]): HttpError {
  return HttpError.conflict(
    'in_use',
    `${what} is still used by ${references.join('; ')}. Change or remove those first.`,
    references.map((message) => ({ field: 'params.id', code: 'referenced', message })),
  );
}

/**
 * Runs a write and turns a unique-index violation (two requests racing past the checks) into the
 * same field error the checks give. `fields` maps column names to request fields.
 */
export async function refusingDuplicates<T>(fields: Record<string, string>, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!(err instanceof UniqueConstraintError)) throw err;
    const columns = Object.keys(fields);
    // Only the index's own field names (an array on SQLite, an object on MariaDB): driver messages
    // quote the whole SQL, which names every column.
    const fieldsOfIndex = err.fields as unknown;
    const reported = (Array.isArray(fieldsOfIndex) ? fieldsOfIndex.map(String) : Object.keys(fieldsOfIndex ?? {})).join(' ');
    const column = columns.find((c) => reported.includes(c)) ?? columns[0]!;
    throw invalidField(fields[column]!, 'duplicate', 'This value was just taken by another change; choose another one.');
  }
}
