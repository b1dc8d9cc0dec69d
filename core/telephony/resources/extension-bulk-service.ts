import { issueCode } from '../../http/field-codes';
import { randomUUID } from 'node:crypto';
import type { Sequelize } from 'sequelize';
import type { z } from 'zod';
import { HttpError } from '../../http/problem';
import type { ImportProgressCounts } from '../../imports/progress';
import { batchRefused, type RowProblem } from '../../imports/row-problems';
import type { TelephonyConfigChanges } from './config-changes';
import { DEFAULT_RESTRICTION_CLASS, type ExtensionInput, type ExtensionService, type ExtensionView } from './extension-service';
import { Extension, RestrictionClass } from './models';
import { Problems, refusingDuplicates } from './problems';
import { generateSipSecret } from './secrets';

/** At most this many extensions in one range or one import: a large site, not a runaway paste. */
export const MAX_BATCH = 1000;

/** One row of a batch: where the person sees it (file line or position) and the extension it asks for, not yet validated. */
export interface BatchRow {
  row: number;
  body: Record<string, unknown>;
}

/** What a person gets once, right after creation: the SIP credentials to set phones up. */
export interface CreatedCredentials {
  number: string;
  name: string;
  sipUsername: string;
  sipPassword: string;
}

export interface BatchResult {
  created: ExtensionView[];
  /** Only for callers allowed to see SIP secrets (`telephony.secrets`); never stored in clear. */
  credentials: CreatedCredentials[] | null;
}

/** A deadlock or lock timeout: the database rolled the transaction back, nothing of it remains. */
function isLockConflict(err: unknown): boolean {
  const parent = (err as { parent?: { code?: string; errno?: number } } | null)?.parent;
  return !!parent && (parent.code === 'ER_LOCK_DEADLOCK' || parent.code === 'ER_LOCK_WAIT_TIMEOUT' || parent.code === 'SQLITE_BUSY' || parent.errno === 1213 || parent.errno === 1205);
}

/** `telephony.bulkProgress`: rows checked (`plan`) and created (`apply`) of one batch, for the shell's progress bars. */
export const BULK_PROGRESS = 'telephony.bulkProgress';
export interface BulkProgress extends ImportProgressCounts {
  id: string;
  /** A batch's size is known before its first row is checked. */
  total: number;
}
/** A progress event every this many rows: often enough for a bar, rare enough not to flood sockets. */
const PROGRESS_EVERY = 50;

type CreateInput = ExtensionInput & { number: string; name: string };

/** The column (import) or field (range) a body path belongs to: `forwarding.busy` → `forwardBusy`. */
export function columnOfPath(path: string): string {
  const flat: Record<string, string> = {
    'voicemail.enabled': 'voicemail',
    'voicemail.email': 'voicemailEmail',
    'forwarding.unconditional': 'forwardAlways',
    'forwarding.busy': 'forwardBusy',
    'forwarding.noAnswer': 'forwardNoAnswer',
    'forwarding.noAnswerSeconds': 'forwardNoAnswerSeconds',
  };
  const clean = path.replace(/^body\./, '');
  return flat[clean] ?? clean.split('.')[0]!;
}

/**
 * Many extensions at once (a numbered range, a CSV import), all or nothing: each row goes through
 * the schema of the single-extension form and the service's own checks, then the rows are checked
 * against each other (a number, a SIP user name or a user twice); any problem refuses the whole
 * batch with every row's reasons. Batches run one at a time, so a second batch that overlaps a
 * first one sees its numbers taken and is refused in full; the database's unique indexes still
 * guard against any other writer, and the single transaction leaves nothing half-created.
 */
export class ExtensionBulkService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      sequelize: Sequelize;
      extensions: ExtensionService;
      changes: TelephonyConfigChanges;
      /** The single-extension POST body schema (from the routes), so a batch refuses the same things. */
      schema: z.ZodType<CreateInput>;
      progress: (event: BulkProgress) => void;
    },
  ) {}

  /** Every extension, in number order: what the CSV export writes. */
  async all(): Promise<ExtensionView[]> {
    return this.deps.extensions.views(await Extension.findAll({ order: [['number', 'ASC']] }));
  }

  /** Validates every row without writing: the plan an import shows before it is applied. */
  async plan(rows: BatchRow[], unit: 'line' | 'row', id: string = randomUUID()): Promise<CreateInput[]> {
    if (rows.length === 0) throw new HttpError(422, 'batch_empty', 'Nothing to create', 'The batch holds no extension; nothing was changed.', [{ field: 'rows', code: 'batch_empty', message: 'No row to create.' }]);
    if (rows.length > MAX_BATCH) throw new HttpError(422, 'batch_too_large', 'Too many extensions', `At most ${MAX_BATCH} extensions at once (this batch has ${rows.length}); nothing was changed.`, [{ field: 'rows', code: 'batch_too_large', message: `At most ${MAX_BATCH} rows.` }]);
    const problems: RowProblem[] = [];
    const valid: Array<{ row: number; input: CreateInput }> = [];
    for (const [i, { row, body }] of rows.entries()) {
      if (i > 0 && i % PROGRESS_EVERY === 0) this.deps.progress({ id, phase: 'plan', processed: i, total: rows.length, done: false });
      const parsed = this.deps.schema.safeParse(body);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const { code } = issueCode(issue);
          problems.push({ row, column: columnOfPath(issue.path.map(String).join('.')) || 'row', code, message: issue.message });
        }
        continue;
      }
      const input = { ...parsed.data, sipUsername: parsed.data.sipUsername ?? parsed.data.number };
      const found = new Problems();
      await this.deps.extensions.check(input, null, found);
      for (const p of found.items) problems.push({ row, column: columnOfPath(p.field), code: p.code, message: p.message });
      if (found.empty) valid.push({ row, input });
    }
    this.checkAgainstEachOther(valid, problems);
    this.deps.progress({ id, phase: 'plan', processed: rows.length, total: rows.length, done: true });
    if (problems.length) throw batchRefused(problems.sort((a, b) => a.row - b.row), { rows: rows.length, unit });
    return valid.map((v) => v.input);
  }

  /** Plans, then creates every row in one transaction; one batch at a time. */
  async create(rows: BatchRow[], unit: 'line' | 'row', revealSecrets: boolean): Promise<BatchResult> {
    const run = this.queue.then(() => this.createNow(rows, unit, revealSecrets));
    // The next batch waits for this one, whatever its outcome.
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async createNow(rows: BatchRow[], unit: 'line' | 'row', revealSecrets: boolean, retried = false): Promise<BatchResult> {
    const id = randomUUID();
    const inputs = await this.plan(rows, unit, id);
    // The plan found each named class; an extension without one gets the default, as the form does.
    const classIds = new Map((await RestrictionClass.findAll({ attributes: ['id', 'name'] })).map((c) => [c.name, c.id]));
    const passwords = inputs.map(() => generateSipSecret());
    const created = await refusingDuplicates({ number: 'body.number', sip_username: 'body.sipUsername', user_id: 'body.userId' }, () =>
      this.deps.sequelize.transaction(async (transaction) => {
        const out = [];
        for (const [i, input] of inputs.entries()) {
          if (i > 0 && i % PROGRESS_EVERY === 0) this.deps.progress({ id, phase: 'apply', processed: i, total: inputs.length, done: false });
          out.push(await this.deps.extensions.insert({ ...input, sipUsername: input.sipUsername ?? input.number }, classIds.get(input.restrictionClass ?? DEFAULT_RESTRICTION_CLASS)!, passwords[i]!, transaction));
        }
        return out;
      }),
    ).catch((err: unknown) => {
      // MariaDB chose this transaction as a deadlock victim against another writer and rolled it
      // all back: planned again, it is either created or refused with each row's reason.
      if (!retried && isLockConflict(err)) return null;
      // Another writer (a single creation, another node) took a number between the plan and the write.
      if (err instanceof HttpError && err.status === 422) {
        throw new HttpError(409, 'batch_conflict', 'Nothing was created', 'Another change took one of these numbers or SIP user names meanwhile; nothing was created. Try again to see which.', err.errors);
      }
      throw err;
    });
    if (created === null) return this.createNow(rows, unit, revealSecrets, true);
    this.deps.progress({ id, phase: 'apply', processed: created.length, total: created.length, done: true });
    for (const extension of created) this.deps.changes.committed('extension', 'created', extension.id);
    const views = await this.deps.extensions.views(created);
    return {
      created: views,
      credentials: revealSecrets ? views.map((v, i) => ({ number: v.number, name: v.name, sipUsername: v.sipUsername, sipPassword: passwords[i]! })) : null,
    };
  }

  private checkAgainstEachOther(rows: Array<{ row: number; input: CreateInput }>, problems: RowProblem[]): void {
    const keys: Array<[column: string, what: string, of: (input: CreateInput) => unknown]> = [
      ['number', 'number', (i) => i.number],
      ['sipUsername', 'SIP user name', (i) => i.sipUsername ?? i.number],
      ['userId', 'user', (i) => i.userId ?? null],
    ];
    const numberTwice = new Set<number>();
    for (const [column, what, of] of keys) {
      const first = new Map<unknown, number>();
      for (const { row, input } of rows) {
        const value = of(input);
        if (value === null || value === undefined) continue;
        // A SIP user name that defaults to a repeated number is the same mistake: said once.
        if (column === 'sipUsername' && numberTwice.has(row) && value === input.number) continue;
        const earlier = first.get(value);
        if (earlier === undefined) first.set(value, row);
        else {
          problems.push({ row, column, code: 'duplicate', message: `The ${what} ${String(value)} is already given to row ${earlier} of this batch.` });
          if (column === 'number') numberTwice.add(row);
        }
      }
    }
  }
}
