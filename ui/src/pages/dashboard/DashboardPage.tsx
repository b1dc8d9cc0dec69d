import { useEffect, useRef, useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { Page, useLoad } from '../../lib/components';
import { formatDate, formatDuration, formatNumber, formatPhone, hasString, t, useI18n } from '../../lib/i18n';
import { DataTable, LoadStatus } from '../../lib/list';
import { onAny } from '../../lib/socket';
import { StatusChart } from './StatusChart';
import { PluginCards } from '../../shell/PluginCards';

/** `GET /api/system/dashboard`: each part is present only when the user may see it. */
interface Dashboard {
  health?: {
    status?: string;
    database?: { reachable: boolean; dialect?: string; error?: string };
    telephony?: { connected: boolean; lastError?: string | null };
    plugins?: Array<{ id: string; state: string; error?: string | { code: string; message: string } }>;
  };
  /** Null when Asterisk cannot be asked. */
  liveCalls?: LiveCall[] | number | null;
  registeredPhones?: Array<Record<string, unknown>> | number | null;
  today?: { byStatus: Record<string, number> };
}

interface LiveCall {
  id?: string;
  callId?: string;
  from?: string;
  to?: string;
  caller?: string;
  callee?: string;
  startedAt?: string;
  answeredAt?: string | null;
  state?: string;
}

/** Events after which the numbers change: calls, registrations, the Asterisk link, plugins. */
const LIVE_PREFIXES = ['calls.', 'call.', 'telephony.', 'plugin.', 'registrations.'];

export function statusLabel(status: string): string {
  return hasString(`callStatus.${status}`) ? t(`callStatus.${status}`) : status.replace(/_/g, ' ');
}

/** undefined: not shown (no permission); null: unknown right now (Asterisk unreachable). */
function count(value: unknown[] | number | null | undefined): number | null | undefined {
  if (value === undefined || value === null) return value;
  return typeof value === 'number' ? value : value.length;
}

function Metric(props: { value: number | null; testId: string }) {
  return (
    <p class="metric" data-testid={props.testId}>
      {props.value === null ? <span class="metric-unknown">{t('dashboard.unknown')}</span> : formatNumber(props.value)}
    </p>
  );
}

export default function DashboardPage() {
  useI18n();
  const { data, error, loading, reload } = useLoad((signal) => http.get<Dashboard>('/api/system/dashboard', undefined, signal), []);
  // Live update: events come in bursts (a call's legs), one reload per burst is enough.
  const timer = useRef<number | null>(null);
  useEffect(() => {
    const off = onAny((name) => {
      if (!LIVE_PREFIXES.some((prefix) => name.startsWith(prefix))) return;
      if (timer.current !== null) return;
      timer.current = window.setTimeout(() => {
        timer.current = null;
        reload();
      }, 250);
    });
    return () => {
      off();
      if (timer.current !== null) window.clearTimeout(timer.current);
      timer.current = null;
    };
  }, []);

  return (
    <Page title={t('page.dashboard')}>
      <LoadStatus load={{ data, error, loading }} />
      {data && <DashboardView data={data} />}
      <PluginCards />
    </Page>
  );
}

/** Re-renders every few seconds while calls are up, so their durations move. */
function useTicking(active: boolean): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => setTick((n) => n + 1), 5000);
    return () => window.clearInterval(timer);
  }, [active]);
}

function DashboardView({ data }: { data: Dashboard }) {
  useTicking(Array.isArray(data.liveCalls) && data.liveCalls.length > 0);
  const live = count(data.liveCalls);
  const phones = count(data.registeredPhones);
  const byStatus = data.today?.byStatus ?? null;
  const total = byStatus ? Object.values(byStatus).reduce((a, b) => a + b, 0) : null;
  const plugins = data.health?.plugins ?? [];
  const failed = plugins.filter((p) => p.state === 'failed');
  return (
    <>
      {data.health && (
        <section class="card" aria-labelledby="health-title" data-testid="health">
          <h2 id="health-title">{t('dashboard.health')}</h2>
          <dl class="stats">
            {data.health.database && (
              <>
                <dt>{t('dashboard.database')}</dt>
                <dd>
                  <HealthBadge ok={data.health.database.reachable} />
                  {data.health.database.dialect && <span class="muted"> {data.health.database.dialect}</span>}
                </dd>
              </>
            )}
            {data.health.telephony && (
              <>
                <dt>{t('dashboard.asterisk')}</dt>
                <dd>
                  <HealthBadge ok={data.health.telephony.connected} />
                  {!data.health.telephony.connected && data.health.telephony.lastError && <span class="muted"> {data.health.telephony.lastError}</span>}
                </dd>
              </>
            )}
            <dt>{t('dashboard.plugins')}</dt>
            <dd>
              <HealthBadge ok={failed.length === 0} /> {t('dashboard.pluginsSummary', { running: plugins.filter((p) => p.state === 'started').length, failed: failed.length })}
              {failed.map((p) => (
                <div key={p.id} class="muted">
                  {p.id}: {typeof p.error === 'string' ? p.error : p.error?.message}
                </div>
              ))}
            </dd>
          </dl>
        </section>
      )}
      <div class="cards">
        {live !== undefined && (
          <section class="card" aria-labelledby="live-title">
            <h2 id="live-title">{t('dashboard.liveCalls')}</h2>
            <Metric value={live} testId="live-calls" />
          </section>
        )}
        {phones !== undefined && (
          <section class="card" aria-labelledby="phones-title">
            <h2 id="phones-title">{t('dashboard.registeredPhones')}</h2>
            <Metric value={phones} testId="registered-phones" />
          </section>
        )}
        {total !== null && (
          <section class="card" aria-labelledby="today-title">
            <h2 id="today-title">{t('dashboard.todayCalls')}</h2>
            <Metric value={total} testId="today-total" />
          </section>
        )}
      </div>
      {byStatus && (
        <section class="card" aria-labelledby="chart-title">
          <h2 id="chart-title">{t('dashboard.chartTitle')}</h2>
          {total ? (
            <>
              <StatusChart byStatus={byStatus} label={statusLabel} />
              <dl class="status-counts" data-testid="today-by-status">
                {Object.entries(byStatus).map(([status, n]) => (
                  <div key={status}>
                    <dt>{statusLabel(status)}</dt>
                    <dd data-status={status}>{formatNumber(n)}</dd>
                  </div>
                ))}
              </dl>
            </>
          ) : (
            <p class="muted">{t('dashboard.noCalls')}</p>
          )}
        </section>
      )}
      {Array.isArray(data.liveCalls) && (
        <section class="card" aria-labelledby="live-list-title">
          <h2 id="live-list-title">{t('dashboard.liveCalls')}</h2>
          {data.liveCalls.length === 0 ? (
            <p class="muted">{t('dashboard.noLiveCalls')}</p>
          ) : (
            <DataTable columns={[t('dashboard.from'), t('dashboard.to'), t('dashboard.since')]}>
              {data.liveCalls.map((call, i) => (
                <tr key={call.id ?? call.callId ?? i}>
                  <td data-label={t('dashboard.from')}>{formatPhone(call.from ?? call.caller)}</td>
                  <td data-label={t('dashboard.to')}>{formatPhone(call.to ?? call.callee)}</td>
                  <td data-label={t('dashboard.since')}>
                    {formatDate(call.startedAt, 'time')}
                    {call.startedAt && <span class="muted"> ({formatDuration((Date.now() - new Date(call.startedAt).getTime()) / 1000)})</span>}
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </section>
      )}
    </>
  );
}

function HealthBadge(props: { ok: boolean }) {
  return <span class={`badge ${props.ok ? 'badge-ok' : 'badge-error'}`}>{props.ok ? t('dashboard.ok') : t('dashboard.down')}</span>;
}
