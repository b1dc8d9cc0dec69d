import { h, render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { http } from '../lib/api';
import { Page } from '../lib/components';
import { formatDate, formatNumber, formatPhone, hasString, localized, preferences, t } from '../lib/i18n';
import { ProgressBar } from '../lib/progress';
import { liveSocket } from '../lib/socket';
import type { PluginPageEntry } from './navigation';
import { pluginKey } from './navigation';
import { can, currentUser } from './session';

/**
 * What a plugin page module receives: `export default function mount(el, api) { …; return unmount }`.
 * Documented in ui/README.md; keep it stable, third-party plugins depend on it.
 */
export interface PluginPageApi {
  http: typeof http;
  socket: typeof liveSocket;
  /** The plugin's own strings first (`plugin.<id>.<key>`), then the shell's. */
  t: (key: string, params?: Record<string, string | number>) => string;
  locale: string;
  timeZone: string;
  user: ReturnType<typeof currentUser>;
  can: (permission: string) => boolean;
  h: typeof h;
  render: typeof render;
  navigate: (path: string) => void;
  format: { date: typeof formatDate; number: typeof formatNumber; phone: typeof formatPhone };
  page: { id: string; plugin: string; path: string };
  /** Shell components usable with `h`: `h(api.components.ProgressBar, { label, done, total })`. */
  components: { ProgressBar: typeof ProgressBar };
}

export type Mount = (el: HTMLElement, api: PluginPageApi) => void | (() => void) | Promise<void | (() => void)>;

/** The api a plugin module gets, for a page or a dashboard card (`page.path` is empty for a card). */
export function pluginApi(page: PluginPageApi['page'], locale: string, navigate: (path: string) => void): PluginPageApi {
  return {
    http,
    socket: liveSocket,
    t: (key, params) => (hasString(pluginKey(page.plugin, key)) ? t(pluginKey(page.plugin, key), params) : t(key, params)),
    locale,
    timeZone: preferences.get().timeZone,
    user: currentUser(),
    can,
    h,
    render,
    navigate,
    format: { date: formatDate, number: formatNumber, phone: formatPhone },
    page,
    components: { ProgressBar },
  };
}

export function PluginPage(props: { entry: PluginPageEntry }) {
  const { entry } = props;
  const holder = useRef<HTMLDivElement>(null);
  const location = useLocation();
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [attempt, setAttempt] = useState(0);
  const locale = preferences.get().locale;

  useEffect(() => {
    const el = holder.current!;
    let unmount: (() => void) | void;
    let cancelled = false;
    setState('loading');
    const api = pluginApi({ id: entry.id, plugin: entry.plugin, path: entry.path }, locale, (path) => location.route(path));
    // Loaded at run time from the server: the shell is never rebuilt for a plugin.
    import(/* @vite-ignore */ entry.module)
      .then(async (module: { default?: Mount }) => {
        if (cancelled) return;
        if (typeof module.default !== 'function') throw new Error('The plugin page module has no default export function.');
        unmount = await module.default(el, api);
        if (cancelled && typeof unmount === 'function') unmount();
        else setState('ready');
      })
      .catch((err) => {
        console.error(`plugin page ${entry.plugin}/${entry.id} failed`, err);
        if (!cancelled) setState('failed');
      });
    return () => {
      cancelled = true;
      if (typeof unmount === 'function') unmount();
      render(null, el);
      el.replaceChildren();
    };
  }, [entry.module, entry.id, locale, attempt]);

  return (
    <Page title={localized(entry.title)}>
      {state === 'loading' && (
        <p class="loading" role="status">
          {t('app.loading')}
        </p>
      )}
      {state === 'failed' && (
        <div class="notice notice-error" role="alert">
          {t('app.pageFailed')}{' '}
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            {t('app.retry')}
          </button>
        </div>
      )}
      <div ref={holder} class="plugin-page" data-plugin={entry.plugin} data-page={entry.id} />
    </Page>
  );
}
