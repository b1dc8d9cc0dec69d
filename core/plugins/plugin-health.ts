import type { LocalisedText, PluginHealth } from './types';

/** A plugin's health as `/api/health` and the plugins page show it. */
export interface PluginHealthReport {
  status: PluginHealth['status'];
  message: LocalisedText | null;
  checkedAt: string;
}

export const HEALTH_TIMEOUT_MS = 2000;
/** `/api/health` is public: whatever the request rate, each plugin's check runs at most this often. */
const REUSE_MS = 1000;

export function localised(text: string | LocalisedText | undefined | null): LocalisedText | null {
  if (text === undefined || text === null) return null;
  return typeof text === 'string' ? { en: text, fr: text } : text;
}

const STATUSES = new Set(['ok', 'degraded', 'down']);

/** Runs one check with a deadline; a throw, a wrong answer or a timeout is `down` with the reason. */
export async function runHealthCheck(check: () => PluginHealth | Promise<PluginHealth>, timeoutMs = HEALTH_TIMEOUT_MS): Promise<PluginHealthReport> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const checkedAt = () => new Date().toISOString();
  try {
    const result = await Promise.race([Promise.resolve().then(check), timeout]);
    if (result === 'timeout') {
      const seconds = timeoutMs / 1000;
      return { status: 'down', message: { en: `The health check did not answer within ${seconds} s.`, fr: `Le contrôle de santé n’a pas répondu en ${seconds} s.` }, checkedAt: checkedAt() };
    }
    if (!result || !STATUSES.has(result.status)) {
      return { status: 'down', message: { en: 'The health check gave no valid status (ok, degraded or down).', fr: 'Le contrôle de santé n’a pas donné d’état valide (ok, degraded ou down).' }, checkedAt: checkedAt() };
    }
    return { status: result.status, message: localised(result.message), checkedAt: checkedAt() };
  } catch (err) {
    const reason = (err as Error)?.message ?? String(err);
    return { status: 'down', message: { en: `The health check failed: ${reason}`, fr: `Le contrôle de santé a échoué : ${reason}` }, checkedAt: checkedAt() };
  } finally {
    clearTimeout(timer);
  }
}

/** Keeps each plugin's last report for a second and shares a check in flight between callers. */
export class HealthCache {
  /** `doneAt` stays null while the check runs: callers then wait for that same check. */
  private readonly entries = new Map<string, { doneAt: number | null; report: Promise<PluginHealthReport> }>();

  get(id: string, run: () => Promise<PluginHealthReport>): Promise<PluginHealthReport> {
    const entry = this.entries.get(id);
    if (entry && (entry.doneAt === null || Date.now() - entry.doneAt < REUSE_MS)) return entry.report;
    const fresh = { doneAt: null as number | null, report: run() };
    void fresh.report.then(() => (fresh.doneAt = Date.now()));
    this.entries.set(id, fresh);
    return fresh.report;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}
