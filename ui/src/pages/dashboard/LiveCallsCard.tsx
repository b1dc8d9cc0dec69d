import { useEffect, useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { ConfirmDialog } from '../../lib/components';
import { formatDate, formatDuration, formatPhone, t } from '../../lib/i18n';
import { ActionNotices, DataTable, RowButton } from '../../lib/list';
import { can } from '../../shell/session';
import type { CardProps, LiveCall } from './types';

/** Re-renders every few seconds while calls are up, so their durations move. */
function useTicking(active: boolean): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => setTick((n) => n + 1), 5000);
    return () => window.clearInterval(timer);
  }, [active]);
}

/** Who calls whom, since when, in which state; a hang-up button for users with `calls.hangup`. */
export function LiveCallsCard({ data, reload }: CardProps) {
  const calls = data.liveCalls as LiveCall[];
  const mayHangUp = can('calls.hangup');
  const [confirming, setConfirming] = useState<LiveCall | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useTicking(calls.length > 0);
  const columns = [t('dashboard.from'), t('dashboard.to'), t('dashboard.since'), t('dash.call.state')];
  return (
    <section class="card" aria-labelledby="live-list-title" data-testid="live-calls-list">
      <h2 id="live-list-title">{t('dashboard.liveCalls')}</h2>
      <ActionNotices notice={notice} error={null} />
      {calls.length === 0 ? (
        <p class="muted">{t('dashboard.noLiveCalls')}</p>
      ) : (
        <DataTable columns={columns} actions={mayHangUp}>
          {calls.map((call) => (
            <tr key={call.id} data-call={call.id}>
              <td data-label={columns[0]}>{formatPhone(call.from)}</td>
              <td data-label={columns[1]}>{formatPhone(call.to)}</td>
              <td data-label={columns[2]}>
                {formatDate(call.startedAt, 'time')}
                <span class="muted"> ({formatDuration((Date.now() - new Date(call.startedAt).getTime()) / 1000)})</span>
              </td>
              <td data-label={columns[3]}>{t(`dash.call.state.${call.state}`)}</td>
              {mayHangUp && (
                <td class="actions">
                  <RowButton class="danger" label={t('dash.hangUp')} name={`${formatPhone(call.from)} → ${formatPhone(call.to)}`} onClick={() => setConfirming(call)} />
                </td>
              )}
            </tr>
          ))}
        </DataTable>
      )}
      <ConfirmDialog
        open={confirming !== null}
        message={confirming ? t('dash.hangUpConfirm', { from: formatPhone(confirming.from), to: formatPhone(confirming.to) }) : ''}
        confirmLabel={t('dash.hangUp')}
        onClose={() => setConfirming(null)}
        onConfirm={async () => {
          await http.post(`/api/system/live-calls/${encodeURIComponent(confirming!.id)}/hangup`, {});
          setNotice(t('dash.hungUp'));
          reload();
        }}
      />
    </section>
  );
}
