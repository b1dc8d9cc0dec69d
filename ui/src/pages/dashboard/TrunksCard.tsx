import { t } from '../../lib/i18n';
import { DataTable } from '../../lib/list';
import type { CardProps, TrunkStatus } from './types';

const BADGE: Record<TrunkStatus['state'], string> = { online: 'badge-ok', offline: 'badge-error', unknown: 'badge-neutral' };

/** Each trunk with its SIP endpoint's state as Asterisk reports it. */
export function TrunksCard({ data }: CardProps) {
  const trunks = data.health!.trunks;
  return (
    <section class="card" aria-labelledby="trunks-title" data-testid="trunks">
      <h2 id="trunks-title">{t('dash.trunks')}</h2>
      {trunks.length === 0 ? (
        <p class="muted">
          {t('dash.noTrunk')} <a href="/telephony/trunks">{t('dash.fixPage')}</a>
        </p>
      ) : (
        <>
          <DataTable columns={[t('dash.trunk.name'), t('dash.trunk.kind'), t('dash.trunk.state')]}>
            {trunks.map((trunk) => (
              <tr key={trunk.id} data-trunk={trunk.name}>
                <td data-label={t('dash.trunk.name')}>{trunk.name}</td>
                <td data-label={t('dash.trunk.kind')}>
                  {t(`dash.trunk.kind.${trunk.kind}`)}
                  {trunk.register && <span class="muted"> ({t('dash.trunk.registers')})</span>}
                </td>
                <td data-label={t('dash.trunk.state')}>
                  <span class={`badge ${BADGE[trunk.state]}`} data-state={trunk.state}>
                    {t(`dash.trunk.state.${trunk.state}`)}
                  </span>
                </td>
              </tr>
            ))}
          </DataTable>
          <p class="muted small">{t('dash.trunksHint')}</p>
        </>
      )}
    </section>
  );
}
