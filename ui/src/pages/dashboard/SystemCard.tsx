import { formatNumber, t } from '../../lib/i18n';
import { formatBytes, formatSpan } from './format';
import type { CardProps } from './types';

/** Version, uptime, disk of the data folder, CPU load and memory. */
export function SystemCard({ data }: CardProps) {
  const s = data.health!.system;
  const pct = (n: number) => formatNumber(n, { maximumFractionDigits: 0 });
  return (
    <section class="card" aria-labelledby="system-title" data-testid="system">
      <h2 id="system-title">{t('dash.system')}</h2>
      <dl class="stats">
        <dt>{t('dash.version')}</dt>
        <dd data-figure="version">Carillon {s.version}</dd>
        <dt>{t('dash.uptime')}</dt>
        <dd data-figure="uptime">{formatSpan(s.uptimeSeconds)}</dd>
        <dt>{t('dash.hostUptime')}</dt>
        <dd>{formatSpan(s.hostUptimeSeconds)}</dd>
        <dt>{t('dash.disk')}</dt>
        <dd data-figure="disk">
          {s.disk ? (
            <>
              <meter min={0} max={100} low={80} high={90} optimum={0} value={s.disk.usedPercent} aria-hidden="true" />{' '}
              {t('dash.diskValue', { free: formatBytes(s.disk.freeBytes), total: formatBytes(s.disk.totalBytes), percent: pct(s.disk.usedPercent) })}
            </>
          ) : (
            <span class="muted">{t('dash.diskUnknown')}</span>
          )}
        </dd>
        <dt>{t('dash.cpu')}</dt>
        <dd data-figure="cpu" title={t('dash.cpuHint')}>
          {t('dash.cpuValue', {
            load1: formatNumber(s.cpu.load1, { maximumFractionDigits: 2 }),
            load5: formatNumber(s.cpu.load5, { maximumFractionDigits: 2 }),
            load15: formatNumber(s.cpu.load15, { maximumFractionDigits: 2 }),
            cores: formatNumber(s.cpu.cores),
          })}
        </dd>
        <dt>{t('dash.memory')}</dt>
        <dd data-figure="memory">
          <meter min={0} max={100} low={80} high={90} optimum={0} value={s.memory.usedPercent} aria-hidden="true" />{' '}
          {t('dash.memoryValue', { available: formatBytes(s.memory.availableBytes), total: formatBytes(s.memory.totalBytes), percent: pct(s.memory.usedPercent) })}
        </dd>
      </dl>
    </section>
  );
}
