import { Op, type WhereOptions } from 'sequelize';
import { likeValue } from '../db/like';
import type { Logger } from '../logging/logger';
import type { AuditActionCatalogue } from './audit-actions';
import { diffChanges, secretValuesIn, type AuditChanges, type DiffOptions } from './changes';
import { AuditEntry } from './model';

export interface AuditRecord {
  userId?: number | null;
  /** E-mail of the user, or 'cli', 'system', 'setup'. */
  actor: string;
  action: string;
  target?: string | null;
  method?: string | null;
  path?: string | null;
  status?: number | null;
  ip?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown> | null;
  /** What changed, already masked (see `diff`). */
  changes?: AuditChanges | null;
}

/** A change to record with its before and after states; secrets are masked before storing. */
export interface AuditChangeRecord extends Omit<AuditRecord, 'changes'> {
  before?: unknown;
  after?: unknown;
  /** Fields declared secret; names that look secret are masked anyway. */
  secretFields?: string[];
  /** Values known to be secrets (sent in the request, returned once): masked wherever they appear. */
  secretValues?: string[];
  /** Secret fields the request set (a new password): listed as changed, without their values. */
  secretsSent?: string[];
  ignoreFields?: string[];
}

/** Past this size an entry keeps which fields changed, not their values (a huge list must not bloat the log). */
const MAX_CHANGES_JSON = 256 * 1024;

function storedChanges(changes: AuditChanges): string {
  const json = JSON.stringify(changes);
  if (json.length <= MAX_CHANGES_JSON) return json;
  const names = changes.fields.map(({ field, secret }) => (secret ? { field, secret } : { field }));
  return JSON.stringify({ kind: changes.kind, fields: names, truncated: true });
}

export interface AuditQuery {
  userId?: number;
  action?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** Who changed what, when and from where, and what it changed. Never holds secrets: they are masked. */
export class AuditService {
  constructor(
    private readonly logger: Logger,
    private readonly actions: AuditActionCatalogue,
  ) {}

  /** The masked difference between two states; values under secret fields of either are masked everywhere. */
  diff(before: unknown, after: unknown, options: DiffOptions & { secretFields?: string[]; secretsSent?: string[] } = {}): AuditChanges | null {
    const declared = new Set(options.secretFields ?? []);
    const secretValues = new Set([...(options.secretValues ?? []), ...secretValuesIn(before, declared), ...secretValuesIn(after, declared)]);
    const changes = diffChanges(before, after, { ...options, secretFields: declared, secretValues });
    // A write-only secret (a new password) is not in the resource as shown: say it changed, never its value.
    const sent = (options.secretsSent ?? []).filter((field) => !changes?.fields.some((f) => f.field === field));
    if (!sent.length || (before == null && after == null)) return changes;
    const kind = changes?.kind ?? (before == null ? 'created' : after == null ? 'deleted' : 'updated');
    return { ...changes, kind, fields: [...(changes?.fields ?? []), ...sent.map((field) => ({ field, secret: true as const }))] };
  }

  /** Records a change with its before and after states (null before a create, after a delete). */
  async recordChange(entry: AuditChangeRecord): Promise<void> {
    const { before, after, secretFields, secretValues, secretsSent, ignoreFields, ...rest } = entry;
    let changes: AuditChanges | null = null;
    try {
      changes = this.diff(before ?? null, after ?? null, { secretFields, secretValues, secretsSent, ignoreFields });
    } catch (err) {
      this.logger.error({ err, action: entry.action }, 'could not compute the audited changes');
    }
    await this.record({ ...rest, changes });
  }

  /** A state read for the audit failed: the action is still recorded, without its difference. */
  snapshotFailed(action: string, err: unknown): void {
    this.logger.warn({ err, action }, 'could not read the state of an audited resource');
  }

  async record(entry: AuditRecord): Promise<void> {
    // Declared actions are what the audit page can describe; an undeclared one is a bug to see.
    if (!this.actions.has(entry.action)) this.logger.warn({ action: entry.action }, 'audit action not declared: the audit page cannot describe it');
    try {
      await AuditEntry.create({
        at: new Date(),
        userId: entry.userId ?? null,
        actor: entry.actor,
        action: entry.action,
        target: entry.target?.slice(0, 255) ?? null,
        method: entry.method ?? null,
        path: entry.path?.slice(0, 255) ?? null,
        status: entry.status ?? null,
        ip: entry.ip ?? null,
        requestId: entry.requestId ?? null,
        details: entry.details ? JSON.stringify(entry.details) : null,
        changes: entry.changes ? storedChanges(entry.changes) : null,
      });
    } catch (err) {
      // The audit trail must not break the action it records, but its loss must be visible.
      this.logger.error({ err, action: entry.action }, 'could not write the audit log');
    }
  }

  async list(query: AuditQuery) {
    const where: WhereOptions<AuditEntry> = {};
    if (query.userId) Object.assign(where, { userId: query.userId });
    if (query.action) Object.assign(where, { action: { [Op.like]: likeValue(AuditEntry.sequelize!, query.action, 'prefix') } });
    if (query.from || query.to) {
      Object.assign(where, { at: { ...(query.from ? { [Op.gte]: query.from } : {}), ...(query.to ? { [Op.lt]: query.to } : {}) } });
    }
    const { rows, count } = await AuditEntry.findAndCountAll({ where, order: [['at', 'DESC'], ['id', 'DESC']], limit: query.limit, offset: query.offset });
    return {
      total: count,
      items: rows.map((row) => ({
        id: Number(row.id),
        at: row.at.toISOString(),
        userId: row.userId,
        actor: row.actor,
        action: row.action,
        target: row.target,
        method: row.method,
        path: row.path,
        status: row.status,
        ip: row.ip,
        requestId: row.requestId,
        details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null,
        changes: row.changes ? (JSON.parse(row.changes) as AuditChanges) : null,
      })),
    };
  }
}
