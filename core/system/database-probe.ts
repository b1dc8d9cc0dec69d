import type { Sequelize } from 'sequelize';

export interface DatabaseHealth {
  dialect: string;
  reachable: boolean;
  error?: string;
}

/**
 * How long a probe's answer is reused. Monitors, load balancers and open dashboards may all ask
 * for health several times a second; one round trip a second answers them all and still reports
 * a lost database within a second.
 */
export const PROBE_REUSE_MS = 1_000;

const probes = new WeakMap<Sequelize, { settledAt: number | null; result: Promise<DatabaseHealth> }>();

/** Whether the database answers a trivial query: one probe at a time, its answer reused briefly. */
export function probeDatabase(sequelize: Sequelize): Promise<DatabaseHealth> {
  const last = probes.get(sequelize);
  if (last && (last.settledAt === null || Date.now() - last.settledAt < PROBE_REUSE_MS)) return last.result;
  const dialect = sequelize.getDialect();
  const result: Promise<DatabaseHealth> = sequelize.query('SELECT 1').then(
    () => ({ dialect, reachable: true }),
    (err: unknown) => ({ dialect, reachable: false, error: (err as Error).message }),
  );
  const probe = { settledAt: null as number | null, result };
  void result.then(() => (probe.settledAt = Date.now()));
  probes.set(sequelize, probe);
  return result;
}
