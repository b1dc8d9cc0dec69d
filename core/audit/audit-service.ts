import { Op, type WhereOptions } from 'sequelize';
import { likeValue } from '../db/like';
import type { Logger } from '../logging/logger';
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
}

export interface AuditQuery {
  userId?: number;
  action?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** Who changed what, when and from where. Never holds secrets: callers pass ids and names only. */
export class AuditService {
  constructor(private readonly logger: Logger) {}

  async record(entry: AuditRecord): Promise<void> {
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
      })),
    };
  }
}
