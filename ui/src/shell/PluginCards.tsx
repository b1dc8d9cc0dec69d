import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { localized, preferences, t, useI18n } from '../lib/i18n';
import { useStore } from '../lib/store';
import { pluginNavigation, type PluginCardEntry } from './navigation';
import { pluginApi, type Mount } from './PluginPage';

/** One plugin card: its module is imported at run time and mounted in a titled box. */
function PluginCard(props: { card: PluginCardEntry }) {
  const { card } = props;
  const holder = useRef<HTMLDivElement>(null);
  const location = useLocation();
  const [failed, setFailed] = useState(false);
  const locale = preferences.get().locale;

  useEffect(() => {
    const el = holder.current!;
    let unmount: (() => void) | void;
    let cancelled = false;
    setFailed(false);
    import(/* @vite-ignore */ card.module)
      .then(async (module: { default?: Mount }) => {
        if (cancelled) return;
        if (typeof module.default !== 'function') throw new Error('The plugin card module has no default export function.');
        unmount = await module.default(el, pluginApi({ id: card.id, plugin: card.plugin, path: '' }, locale, (path) => location.route(path)));
        if (cancelled && typeof unmount === 'function') unmount();
      })
      .catch((err) => {
        // One broken card never takes the dashboard down.
        console.error(`plugin card ${card.plugin}/${card.id} failed`, err);
        if (!cancelled) setFailed(true);
      });
    return () => {
      cancelled = true;
      if (typeof unmount === 'function') unmount();
      el.replaceChildren();
    };
  }, [card.module, card.id, locale]);

  return (
    <section class="card plugin-card" data-plugin={card.plugin} data-card={card.id} aria-labelledby={`card-${card.plugin}-${card.id}`}>
      <h2 id={`card-${card.plugin}-${card.id}`}>{localized(card.title)}</h2>
      {failed && <p class="field-error">{t('plugins.cardFailed')}</p>}
      <div ref={holder} />
    </section>
  );
}

/** The dashboard cards of running plugins the user may see (from `GET /api/ui/navigation`). */
export function PluginCards() {
  useI18n();
  const cards = useStore(pluginNavigation).cards ?? [];
  if (!cards.length) return null;
  return (
    <div class="cards plugin-cards" data-testid="plugin-cards">
      {cards.map((card) => (
        <PluginCard key={`${card.plugin}/${card.id}`} card={card} />
      ))}
    </div>
  );
}
