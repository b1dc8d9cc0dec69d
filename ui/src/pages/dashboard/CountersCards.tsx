import { formatNumber, t } from '../../lib/i18n';
import { statusLabel } from './status-label';
import { StatusChart } from './StatusChart';
import type { CardProps } from './types';

function Metric(props: { value: number | null; testId: string }) {
  return (
    <p class="metric" data-testid={props.testId}>
      {props.value === null ? <span class="metric-unknown">{t('dashboard.unknown')}</span> : formatNumber(props.value)}
    </p>
  );
}

function todayTotal(data: CardProps['data']): number | null {
  const byStatus = data.today?.byStatus;
  return byStatus ? Object.values(byStatus).reduce((a, b) => a + b, 0) : null;
}

/** Live calls, registered phones and today's calls, each for users allowed to see it. */
export function CountersCards({ data }: CardProps) {
  const live = data.liveCalls === undefined ? undefined : data.liveCalls === null ? null : data.liveCalls.length;
  const phones = data.registeredPhones;
  const total = todayTotal(data);
  return (
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
  );
}

/** Today's calls by status, as a chart and as figures. */
export function TodayCard({ data }: CardProps) {
  const byStatus = data.today!.byStatus;
  const total = todayTotal(data);
  return (
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
  );
}
