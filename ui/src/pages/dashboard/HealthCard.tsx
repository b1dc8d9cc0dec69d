import { hasString, t } from '../../lib/i18n';
import { FixLink } from './FixLink';
import type { CardProps, PartState, ServicePart } from './types';

const BADGE: Record<PartState, string> = { ok: 'badge-ok', down: 'badge-error', degraded: 'badge-warn', not_configured: 'badge-neutral', unknown: 'badge-neutral' };

export function StateBadge(props: { state: PartState }) {
  return <span class={`badge ${BADGE[props.state]}`}>{t(`dash.state.${props.state}`)}</span>;
}

function reasonText(part: ServicePart): string | null {
  if (!part.reason) return null;
  const key = `dash.reason.${part.reason}`;
  if (!hasString(key)) return part.detail;
  return t(key, { names: part.detail ?? '' });
}

/** Each part of the PBX: OK, down, degraded or not configured, why, and where to fix it. */
export function HealthCard({ data }: CardProps) {
  const health = data.health!;
  const failed = health.plugins.filter((p) => p.state === 'failed');
  return (
    <section class="card" aria-labelledby="health-title" data-testid="health">
      <h2 id="health-title">{t('dashboard.health')}</h2>
      <dl class="stats parts">
        {health.parts.map((part) => {
          const reason = reasonText(part);
          // The failing system's own words, when the reason does not already carry them.
          const detail = part.detail && part.reason !== 'offline' && reason !== part.detail ? part.detail : null;
          return (
            <div key={part.id} class="part" data-part={part.id} data-state={part.state}>
              <dt>{t(`dash.part.${part.id}`)}</dt>
              <dd>
                <StateBadge state={part.state} />
                {reason && <span class="part-reason"> {reason}</span>}
                {detail && <span class="muted"> ({detail})</span>}{' '}
                {part.state !== 'ok' && <FixLink fix={part.fix} />}
              </dd>
            </div>
          );
        })}
        <div class="part" data-part="plugins" data-state={failed.length ? 'degraded' : 'ok'}>
          <dt>{t('dashboard.plugins')}</dt>
          <dd>
            <StateBadge state={failed.length ? 'degraded' : 'ok'} />{' '}
            {t('dashboard.pluginsSummary', { running: health.plugins.filter((p) => p.state === 'started').length, failed: failed.length })}
            {failed.length > 0 && (
              <>
                {' '}
                <FixLink fix={{ page: '/admin/plugins' }} />
              </>
            )}
            {failed.map((p) => (
              <div key={p.id} class="muted">
                {p.id}: {p.error?.message}
              </div>
            ))}
          </dd>
        </div>
      </dl>
    </section>
  );
}
