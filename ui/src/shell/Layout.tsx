import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { t, useI18n } from '../lib/i18n';
import { useStore } from '../lib/store';
import { ConnectionIndicator } from './Connection';
import { Nav } from './Nav';
import { Operations } from './Operations';
import { logout, session } from './session';

/** Top bar (menu button on small screens, live state, user, logout), menu, and the page. */
export function Layout(props: { children: ComponentChildren }) {
  useI18n();
  const state = useStore(session);
  const [menuOpen, setMenuOpen] = useState(false);
  const { path } = useLocation();
  useEffect(() => setMenuOpen(false), [path]);
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setMenuOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [menuOpen]);
  const user = state.status === 'authenticated' ? state.user : null;

  return (
    <div class={`shell${menuOpen ? ' menu-open' : ''}`}>
      <a class="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header class="topbar">
        <button type="button" class="menu-button" aria-expanded={menuOpen ? 'true' : 'false'} aria-controls="sidebar" onClick={() => setMenuOpen(!menuOpen)}>
          <span aria-hidden="true">☰</span>
          <span class="visually-hidden">{menuOpen ? t('app.closeMenu') : t('app.menu')}</span>
        </button>
        <a class="brand" href="/">
          {t('app.name')}
        </a>
        <ConnectionIndicator />
        <div class="topbar-user">
          {user && (
            <a class="user-name" href="/account/preferences" title={t('auth.loggedInAs', { name: user.displayName })}>
              {user.displayName}
            </a>
          )}
          <button type="button" class="logout" onClick={() => void logout()}>
            {t('auth.logout')}
          </button>
        </div>
      </header>
      <div class="body">
        <aside id="sidebar" class="sidebar">
          <Nav onNavigate={() => setMenuOpen(false)} />
        </aside>
        {menuOpen && <div class="scrim" aria-hidden="true" onClick={() => setMenuOpen(false)} />}
        <main id="main" tabIndex={-1}>
          {props.children}
        </main>
      </div>
      <Operations />
    </div>
  );
}
