import { useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { Page, useLoad } from '../../lib/components';
import { formatDate, t, useI18n } from '../../lib/i18n';
import { DataTable, LoadStatus, SearchToolbar } from '../../lib/list';
import { useEvents } from '../../lib/socket';

interface SipContact {
  uri: string;
  userAgent: string;
  ip: string;
  port: number | null;
  expiresAt: string | null;
  status: string;
  roundtripMs: number | null;
}

interface Registration {
  extension: string;
  name: string;
  endpoint: string;
  /** online, offline, or unknown when Asterisk cannot be asked. */
  state: string;
  contacts: SipContact[];
}

function StateBadge(props: { state: string }) {
  const kind = props.state === 'online' ? 'badge-ok' : props.state === 'offline' ? 'badge-warn' : '';
  return (
    <span class={`badge ${kind}`} data-state={props.state}>
      {t(`reg.state.${props.state === 'online' || props.state === 'offline' ? props.state : 'unknown'}`)}
    </span>
  );
}

/** Each extension's registered phones (user agent, address, expiry), updated live as phones come and go. */
export default function RegistrationsPage() {
  useI18n();
  const [search, setSearch] = useState('');
  const [onlyOffline, setOnlyOffline] = useState(false);
  const list = useLoad((signal) => http.get<{ items: Registration[] }>('/api/telephony/registrations', undefined, signal), []);
  const [changed, setChanged] = useState<string | null>(null);
  useEvents(['telephony.registrationChanged'], (payload) => {
    const update = payload as Registration;
    if (!list.data || !update?.extension) return;
    list.setData({ items: list.data.items.map((item) => (item.extension === update.extension ? { ...item, state: update.state, contacts: update.contacts } : item)) });
    setChanged(update.extension);
  });
  useEvents(['telephony.stateChanged'], () => list.reload());

  const needle = search.trim().toLowerCase();
  const items = (list.data?.items ?? []).filter(
    (r) => (!onlyOffline || r.state !== 'online') && (!needle || r.extension.includes(needle) || r.name.toLowerCase().includes(needle) || r.contacts.some((c) => c.ip.includes(needle) || c.userAgent.toLowerCase().includes(needle))),
  );
  const online = (list.data?.items ?? []).filter((r) => r.state === 'online').length;

  return (
    <Page
      title={t('page.registrations')}
      wide
      actions={
        <button type="button" onClick={() => list.reload()}>
          {t('common.refresh')}
        </button>
      }
    >
      <SearchToolbar id="reg-search" value={search} placeholder={t('reg.searchHint')} onSearch={setSearch}>
        <label class="checkbox">
          <input type="checkbox" checked={onlyOffline} onChange={(e) => setOnlyOffline((e.currentTarget as HTMLInputElement).checked)} /> {t('reg.onlyOffline')}
        </label>
      </SearchToolbar>
      <LoadStatus load={list} />
      {list.data && (
        <>
          <p class="muted" role="status" aria-live="polite">
            {t('reg.summary', { online, total: list.data.items.length })}
            {changed && ` · ${t('reg.changed', { extension: changed })}`}
          </p>
          <DataTable
            testId="registrations-table"
            columns={[t('reg.extension'), t('reg.state'), t('reg.userAgent'), t('reg.address'), t('reg.expires'), t('reg.quality')]}
            empty={items.length === 0 && t('common.empty')}
          >
            {items.map((r) => {
              const contacts = r.contacts.length ? r.contacts : [null];
              return contacts.map((contact, index) => (
                <tr key={`${r.extension}-${contact?.uri ?? 'none'}`} data-extension={r.extension}>
                  <td data-label={t('reg.extension')}>{index === 0 ? <><strong>{r.extension}</strong> {r.name}</> : <span class="muted">{r.extension}</span>}</td>
                  <td data-label={t('reg.state')}>{index === 0 && <StateBadge state={r.state} />}</td>
                  <td data-label={t('reg.userAgent')}>{contact?.userAgent || '—'}</td>
                  <td data-label={t('reg.address')}>{contact ? `${contact.ip}${contact.port ? `:${contact.port}` : ''}` : '—'}</td>
                  <td data-label={t('reg.expires')}>{contact?.expiresAt ? formatDate(contact.expiresAt) : '—'}</td>
                  <td data-label={t('reg.quality')}>
                    {contact ? `${contact.status}${contact.roundtripMs !== null ? ` · ${contact.roundtripMs} ms` : ''}` : '—'}
                  </td>
                </tr>
              ));
            })}
          </DataTable>
        </>
      )}
    </Page>
  );
}
