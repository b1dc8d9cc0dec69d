import { useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { Notice, Page, useLoad } from '../../lib/components';
import { errorMessage } from '../../lib/forms';
import { localized, t, useI18n } from '../../lib/i18n';
import { DataTable, LoadStatus } from '../../lib/list';
import { useEvents } from '../../lib/socket';
import { loadNavigation } from '../../shell/navigation';
import { can } from '../../shell/session';

interface PluginInfo {
  id: string;
  version: string | null;
  displayName: { en: string; fr: string } | null;
  source: 'bundled' | 'package';
  state: 'started' | 'disabled' | 'failed' | 'stopped';
  enabled: boolean;
  dependsOn: string[];
  optionalDeps: string[];
  error: { code: string; message: string } | null;
  /** The plugin's own health() report, when it declares one and runs. */
  hasSettings: boolean;
  health: { status: 'ok' | 'degraded' | 'down'; message: { en: string; fr: string } | null; checkedAt: string } | null;
}

const HEALTH_BADGE: Record<string, string> = { ok: 'badge-ok', degraded: 'badge-warn', down: 'badge-error' };

const STATE_BADGE: Record<string, string> = { started: 'badge-ok', disabled: 'badge-warn', failed: 'badge-error' };

/** Installed plugins: state, version, error of failed ones; enable and disable (applied at once). */
export default function PluginsPage() {
  useI18n();
  const manage = can('plugins.manage');
  const list = useLoad((signal) => http.get<{ items: PluginInfo[] }>('/api/system/plugins', undefined, signal).then((r) => r.items), []);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'success' | 'warning'; text: string } | null>(null);
  useEvents(['plugin.stateChanged', 'plugin.settingsChanged'], () => list.reload());

  const toggle = async (plugin: PluginInfo) => {
    setBusy(plugin.id);
    setMessage(null);
    try {
      const result = await http.post<PluginInfo & { restartRequired?: boolean }>(`/api/system/plugins/${encodeURIComponent(plugin.id)}/${plugin.enabled ? 'disable' : 'enable'}`);
      if (result.restartRequired) setMessage({ kind: 'warning', text: t('plugins.restartRequired', { id: plugin.id }) });
      else if (result.state === 'failed') setMessage({ kind: 'error', text: t('plugins.failedToStart', { id: plugin.id, error: result.error?.message ?? '' }) });
      else setMessage({ kind: 'success', text: t(result.enabled ? 'plugins.enabledDone' : 'plugins.disabledDone', { id: plugin.id }) });
      list.reload();
      // The menu shows the pages of running plugins only.
      void loadNavigation();
    } catch (err) {
      setMessage({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  };

  const configurable = (plugin: PluginInfo) => plugin.hasSettings && can(`${plugin.id}.configure`);
  const actionsShown = manage || (list.data ?? []).some(configurable);
  return (
    <Page title={t('page.plugins')}>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <LoadStatus load={list} />
      {list.data && (
        <DataTable
          testId="plugins-table"
          columns={[t('plugins.plugin'), t('plugins.version'), t('plugins.state'), t('plugins.dependsOn')]}
          actions={actionsShown}
          empty={list.data.length === 0 && t('plugins.none')}
        >
          {list.data.map((plugin) => (
            <tr key={plugin.id} data-plugin={plugin.id}>
              <td data-label={t('plugins.plugin')}>
                <strong>{plugin.displayName ? localized(plugin.displayName) : plugin.id}</strong>
                <div class="muted">
                  {plugin.id} · {t(`plugins.source.${plugin.source}`)}
                </div>
              </td>
              <td data-label={t('plugins.version')}>{plugin.version ?? '—'}</td>
              <td data-label={t('plugins.state')}>
                <span class={`badge ${STATE_BADGE[plugin.state] ?? ''}`}>{t(`plugins.state.${plugin.state}`)}</span>
                {plugin.health && (
                  <p class="plugin-health" data-health={plugin.health.status}>
                    <span class={`badge ${HEALTH_BADGE[plugin.health.status] ?? ''}`}>{t(`plugins.health.${plugin.health.status}`)}</span>
                    {plugin.health.message && <span class="muted"> {localized(plugin.health.message)}</span>}
                  </p>
                )}
                {plugin.error && (
                  <p class="field-error">
                    {plugin.error.message} <span class="muted">({plugin.error.code})</span>
                  </p>
                )}
              </td>
              <td data-label={t('plugins.dependsOn')}>{plugin.dependsOn.join(', ') || t('common.none')}</td>
              {actionsShown && (
                <td class="actions">
                  {configurable(plugin) && (
                    <a class="button" href={`/admin/plugins/${encodeURIComponent(plugin.id)}/settings`}>
                      {t('plugins.settings')}
                      <span class="visually-hidden"> {plugin.id}</span>
                    </a>
                  )}
                  {manage && <button type="button" class={plugin.enabled ? 'danger' : 'primary'} disabled={busy === plugin.id} aria-busy={busy === plugin.id ? 'true' : undefined} onClick={() => toggle(plugin)}>
                    {plugin.enabled ? t('plugins.disable') : t('plugins.enable')}
                    <span class="visually-hidden"> {plugin.id}</span>
                  </button>}
                </td>
              )}
            </tr>
          ))}
        </DataTable>
      )}
    </Page>
  );
}
