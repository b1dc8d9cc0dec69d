import { useEffect, useRef } from 'preact/hooks';
import { http } from '../../lib/api';
import { Page, useLoad } from '../../lib/components';
import { t, useI18n } from '../../lib/i18n';
import { LoadStatus } from '../../lib/list';
import { onAny } from '../../lib/socket';
import { CORE_CARDS, type DashboardCard } from './cards';
import type { Dashboard } from './types';
import { PluginCards } from '../../shell/PluginCards';

export { statusLabel } from './status-label';

/** Events after which the figures change: calls, registrations, the Asterisk link, telephony resources, plugins. */
const LIVE_PREFIXES = ['calls.', 'call.', 'telephony.', 'plugin.', 'registrations.'];
/**
 * Also reloaded this often while the page is visible: CPU, memory and disk change without an event.
 * (Calls that stay in the dialplan do send `calls.liveChanged`: see docs/monitoring.md.)
 */
const REFRESH_MS = 30_000;

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
    const refresh = window.setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, REFRESH_MS);
    return () => {
      off();
      window.clearInterval(refresh);
      if (timer.current !== null) window.clearTimeout(timer.current);
      timer.current = null;
    };
  }, []);

  return (
    <Page title={t('page.dashboard')}>
      <LoadStatus load={{ data, error, loading }} />
      {data && <DashboardCards data={data} reload={reload} cards={CORE_CARDS} />}
      <PluginCards />
    </Page>
  );
}

/** The cards that have something for this user, in order. */
function DashboardCards(props: { data: Dashboard; reload: () => void; cards: DashboardCard[] }) {
  const shown = props.cards.filter((card) => card.shows(props.data)).sort((a, b) => a.order - b.order);
  return (
    <div class="dashboard-cards">
      {shown.map((card) => (
        <div key={card.id} data-card={card.id}>
          <card.component data={props.data} reload={props.reload} />
        </div>
      ))}
    </div>
  );
}
