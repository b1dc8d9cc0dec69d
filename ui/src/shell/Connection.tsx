import { t } from '../lib/i18n';
import { connectionState } from '../lib/socket';
import { useStore } from '../lib/store';

/** The live-updates indicator in the top bar; screen readers hear changes (role=status). */
export function ConnectionIndicator() {
  const state = useStore(connectionState);
  const text = t(`conn.${state}`);
  return (
    <span class={`conn conn-${state}`} role="status" data-state={state} title={t('conn.label', { state: text })}>
      <span class="conn-dot" aria-hidden="true" />
      <span class="conn-text">{text}</span>
    </span>
  );
}
