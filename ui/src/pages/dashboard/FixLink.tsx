import { t } from '../../lib/i18n';
import type { FixLink as Fix } from './types';

/** Where to fix something: a link to the admin page, or the configuration key (no page sets it). */
export function FixLink(props: { fix: Fix | null; label?: string }) {
  const { fix } = props;
  if (!fix) return null;
  if ('page' in fix) {
    return (
      <a class="fix-link" href={fix.page}>
        {props.label ?? t('dash.fixPage')}
      </a>
    );
  }
  const [before, after] = t('dash.fixConfig').split('{key}');
  return (
    <span class="muted fix-config">
      {before}
      <code>{fix.configKey}</code>
      {after}
    </span>
  );
}
