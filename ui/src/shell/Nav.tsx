import { useLocation } from 'preact-iso';
import { hasString, localized, t, useI18n } from '../lib/i18n';
import { useStore } from '../lib/store';
import { PAGES, SECTIONS } from '../pages/registry';
import { pluginNavigation, pluginRoute } from './navigation';
import { can, session } from './session';

interface NavItem {
  id: string;
  href: string;
  label: string;
  order: number;
}

function sectionLabel(section: string): string {
  return hasString(`section.${section}`) ? t(`section.${section}`) : section.charAt(0).toUpperCase() + section.slice(1);
}

/** The menu: core pages the user may open, then plugin pages, grouped by section. */
export function Nav(props: { onNavigate?: () => void }) {
  useI18n();
  useStore(session);
  const plugins = useStore(pluginNavigation);
  const { path } = useLocation();
  const sections = new Map<string, NavItem[]>();
  const add = (section: string, item: NavItem) => {
    if (!sections.has(section)) sections.set(section, []);
    sections.get(section)!.push(item);
  };
  for (const page of PAGES) {
    if (page.nav === false || page.path.includes(':') || !can(page.permission)) continue;
    add(page.section, { id: page.id, href: page.path, label: t(page.titleKey), order: page.order ?? 100 });
  }
  for (const page of plugins.pages) {
    add(page.section, { id: `${page.plugin}-${page.id}`, href: pluginRoute(page), label: localized(page.title), order: 200 });
  }
  const order = [...SECTIONS.filter((s) => s !== 'account'), ...[...sections.keys()].filter((s) => !(SECTIONS as readonly string[]).includes(s)).sort(), 'account'];
  const isCurrent = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));

  return (
    <nav class="nav" aria-label={t('app.menu')}>
      {order
        .filter((section) => sections.get(section)?.length)
        .map((section) => (
          <div class="nav-section" key={section}>
            <h2 class="nav-heading" id={`nav-section-${section}`}>
              {sectionLabel(section)}
            </h2>
            <ul aria-labelledby={`nav-section-${section}`}>
              {sections
                .get(section)!
                .sort((a, b) => a.order - b.order || a.label.localeCompare(b.label))
                .map((item) => (
                  <li key={item.id}>
                    <a href={item.href} data-nav={item.id} aria-current={isCurrent(item.href) ? 'page' : undefined} onClick={props.onNavigate}>
                      {item.label}
                    </a>
                  </li>
                ))}
            </ul>
          </div>
        ))}
    </nav>
  );
}
