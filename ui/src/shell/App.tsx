import { Component, type ComponentChildren, type ComponentType } from 'preact';
import { useEffect, useMemo } from 'preact/hooks';
import { lazy, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { Loading, Page } from '../lib/components';
import { t, useI18n } from '../lib/i18n';
import { useStore } from '../lib/store';
import { PAGES, type PageEntry } from '../pages/registry';
import { Layout } from './Layout';
import { LoginScreen } from './LoginScreen';
import { clearNavigation, loadNavigation, pluginNavigation, pluginRoute, type PluginPageEntry } from './navigation';
import { PluginPage } from './PluginPage';
import { can, session } from './session';

/** One lazy component per core page, made once: each page is its own chunk. */
const components = new Map<string, ComponentType<any>>(PAGES.map((page) => [page.id, lazy(page.load)]));

/** Shows a message with a retry instead of a blank screen when a page chunk fails to load or throws. */
class PageBoundary extends Component<{ path: string; children: ComponentChildren }, { failed: boolean }> {
  override state = { failed: false };
  override componentDidUpdate(previous: { path: string }) {
    // Another page was opened: give it its chance.
    if (previous.path !== this.props.path && this.state.failed) this.setState({ failed: false });
  }
  override componentDidCatch(error: unknown) {
    // Suspense-style promises are preact-iso's lazy loading, not failures.
    if (error && typeof (error as Promise<unknown>).then === 'function') throw error;
    console.error(error);
    this.setState({ failed: true });
  }
  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div class="notice notice-error" role="alert">
        {t('app.pageFailed')}{' '}
        <button type="button" onClick={() => window.location.reload()}>
          {t('app.retry')}
        </button>
      </div>
    );
  }
}

function CorePage(props: { entry: PageEntry; params?: Record<string, string>; query?: Record<string, string> }) {
  const Component = components.get(props.entry.id)!;
  if (!can(props.entry.permission)) return <Forbidden />;
  return <Component {...props} />;
}

function Forbidden() {
  return (
    <Page title={t('app.forbidden')}>
      <p>
        <a href="/">{t('app.backHome')}</a>
      </p>
    </Page>
  );
}

function NotFound() {
  const plugins = useStore(pluginNavigation);
  // A plugin page opened directly: its route exists once the navigation has loaded.
  if (plugins.status === 'loading' || plugins.status === 'idle') return <Loading />;
  return (
    <Page title={t('app.notFound')}>
      <p>
        <a href="/">{t('app.backHome')}</a>
      </p>
    </Page>
  );
}

/** After a route change, focus goes to the new page's heading, so keyboard and screen-reader users land there. */
function focusMain() {
  requestAnimationFrame(() => (document.getElementById('page-title') ?? document.getElementById('main'))?.focus({ preventScroll: false }));
}

function Routes() {
  useI18n();
  const plugins = useStore(pluginNavigation);
  const location = useLocation();
  const pluginRoutes = useMemo(() => plugins.pages.map((entry: PluginPageEntry) => ({ entry, path: pluginRoute(entry) })), [plugins.pages]);
  useEffect(() => window.scrollTo(0, 0), [location.path]);
  return (
    <Layout>
      <PageBoundary path={location.path}>
        <Router onRouteChange={focusMain}>
          {[
            ...PAGES.map((entry) => <Route key={entry.id} path={entry.path} component={CorePage} entry={entry} />),
            ...pluginRoutes.map(({ entry, path }) => <Route key={`plugin-${entry.plugin}-${entry.id}`} path={path} component={PluginPage} entry={entry} />),
            <Route key="not-found" default component={NotFound} />,
          ]}
        </Router>
      </PageBoundary>
    </Layout>
  );
}

export function App() {
  useI18n();
  const state = useStore(session);
  useEffect(() => {
    if (state.status === 'authenticated') void loadNavigation();
    else clearNavigation();
  }, [state.status === 'authenticated' ? state.user.id : null]);

  if (state.status === 'loading') return <Loading />;
  if (state.status === 'anonymous') return <LoginScreen state={state} />;
  return (
    <LocationProvider>
      <Routes />
    </LocationProvider>
  );
}
