import { useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { errorMessage } from '../../lib/forms';
import { t } from '../../lib/i18n';
import { FixLink } from './FixLink';
import type { CardProps } from './types';

/**
 * The first-run checklist, for admins, until every item is done. Each item is read from the state
 * (not ticked by hand); an admin may hide it (a PBX without a trunk on purpose) and show it again.
 */
export function ChecklistCard({ data, reload }: CardProps) {
  const checklist = data.checklist!;
  const [error, setError] = useState<string | null>(null);
  const done = checklist.items.filter((i) => i.done).length;
  const total = checklist.items.length;
  const setDismissed = async (dismissed: boolean) => {
    setError(null);
    try {
      await http.put('/api/system/checklist/dismissed', { dismissed });
      reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  if (checklist.dismissed) {
    return (
      <p class="checklist-restore">
        <button type="button" class="link" onClick={() => setDismissed(false)}>
          {t('dash.checklistShow', { done, total })}
        </button>
        {error && <span class="form-error" role="alert"> {error}</span>}
      </p>
    );
  }
  return (
    <section class="card checklist" aria-labelledby="checklist-title" data-testid="checklist">
      <h2 id="checklist-title">{t('dash.checklist')}</h2>
      <p class="muted">{t('dash.checklistIntro')}</p>
      <p>
        <progress max={total} value={done} aria-hidden="true" /> {t('dash.checklistProgress', { done, total })}
      </p>
      <ol class="checklist-items">
        {checklist.items.map((item) => (
          <li key={item.id} data-item={item.id} data-done={item.done ? 'true' : 'false'} class={item.done ? 'done' : ''}>
            <span class={`badge ${item.done ? 'badge-ok' : 'badge-neutral'}`}>{item.done ? t('dash.check.done') : t('dash.check.todo')}</span> <span class="checklist-label">{t(`dash.check.${item.id}`)}</span> {!item.done && <FixLink fix={item.fix} label={t('dash.doIt')} />}
          </li>
        ))}
      </ol>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="button" class="link" onClick={() => setDismissed(true)}>
        {t('dash.checklistHide')}
      </button>
    </section>
  );
}
