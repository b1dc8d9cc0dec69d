import { useState } from 'preact/hooks';
import { http, type Paged } from '../../lib/api';
import { ConfirmDialog, Dialog, Page, Pager, useLoad } from '../../lib/components';
import { formatDate, t, useI18n } from '../../lib/i18n';
import { ActionNotices, DataTable, LoadStatus, RowButton, SearchToolbar, usePageActions, useSearchPaging } from '../../lib/list';
import { useEvents } from '../../lib/socket';
import { can } from '../../shell/session';
import { AssignForm } from './AssignForm';
import { ClaimBadge, SecretPathCard } from './ClaimState';
import { DEVICE_EVENTS, modelName, PROVISIONING_API, useModels, type Device } from './devices';

const LIMIT = 25;

/** "5 min ago"-like precision is not needed: the date and time in the user's zone, or "never". */
function lastSeen(device: Device): string {
  return device.lastFetchAt ? formatDate(device.lastFetchAt) : t('phones.never');
}

/**
 * Desk phones: those that asked for a configuration and wait for extensions (assign in one
 * step), and the assigned ones with their model, address, last contact and accounts.
 */
export default function PhonesPage() {
  useI18n();
  const manage = can('provisioning.manage');
  const { search, setSearch, offset, setOffset } = useSearchPaging();
  const [assigning, setAssigning] = useState<Device | 'new' | null>(null);
  const [forgetting, setForgetting] = useState<Device | null>(null);
  const vendors = useModels();
  const unassigned = useLoad((signal) => http.get<Paged<Device>>(`${PROVISIONING_API}/devices`, { status: 'unassigned', limit: 100 }, signal), []);
  const assigned = useLoad((signal) => http.get<Paged<Device>>(`${PROVISIONING_API}/devices`, { status: 'assigned', search, limit: LIMIT, offset }, signal), [search, offset]);
  const reload = () => {
    unassigned.reload();
    assigned.reload();
  };
  useEvents(DEVICE_EVENTS, reload);
  const { notice, setNotice, act, error: actionError } = usePageActions(reload);

  return (
    <Page
      title={t('page.phones')}
      wide
      actions={
        manage && (
          <button type="button" class="primary" onClick={() => setAssigning('new')}>
            {t('phones.add')}
          </button>
        )
      }
    >
      <ActionNotices notice={notice} error={actionError} />
      <SecretPathCard />

      <section class="card" aria-labelledby="unassigned-title" data-testid="unassigned-phones">
        <h2 id="unassigned-title">
          {t('phones.unassigned')} {unassigned.data && <span class="badge">{unassigned.data.total}</span>}
        </h2>
        <LoadStatus load={unassigned} />
        {unassigned.data && unassigned.data.items.length === 0 && <p class="muted">{t('phones.noUnassigned')}</p>}
        {unassigned.data && unassigned.data.items.length > 0 && (
          <DataTable columns={[t('phones.mac'), t('phones.model'), t('phones.ip'), t('phones.lastSeen')]} actions={manage}>
            {unassigned.data.items.map((device) => (
              <tr key={device.id} data-mac={device.mac}>
                <td data-label={t('phones.mac')}>
                  <code>{device.macAddress}</code>
                </td>
                <td data-label={t('phones.model')}>
                  {modelName(device, vendors.data)}
                  {device.lastUserAgent && <div class="muted">{device.lastUserAgent}</div>}
                </td>
                <td data-label={t('phones.ip')}>{device.lastIp ?? '—'}</td>
                <td data-label={t('phones.lastSeen')}>{lastSeen(device)}</td>
                {manage && (
                  <td class="actions">
                    <RowButton class="primary" label={t('phones.assign')} name={device.macAddress} onClick={() => setAssigning(device)} />
                    <RowButton class="danger" label={t('phones.forget')} name={device.macAddress} onClick={() => setForgetting(device)} />
                  </td>
                )}
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      <section aria-labelledby="assigned-title">
        <h2 id="assigned-title">{t('phones.assigned')}</h2>
        <SearchToolbar id="phones-search" value={search} placeholder={t('phones.searchHint')} onSearch={setSearch} />
        <LoadStatus load={assigned} />
        {assigned.data && (
          <>
            <DataTable
              testId="phones-table"
              columns={[t('phones.label'), t('phones.extensions'), t('phones.model'), t('phones.mac'), t('phones.ip'), t('phones.lastSeen'), t('phones.claim')]}
              actions
              empty={assigned.data.items.length === 0 && (search ? t('tel.noMatch') : t('phones.noAssigned'))}
            >
              {assigned.data.items.map((device) => (
                <tr key={device.id} data-mac={device.mac}>
                  <td data-label={t('phones.label')}>
                    <a href={`/phones/${device.id}`}>{device.label || device.macAddress}</a>
                  </td>
                  <td data-label={t('phones.extensions')}>{device.accounts.map((a) => `${a.number} ${a.name}`).join(', ')}</td>
                  <td data-label={t('phones.model')}>
                    {modelName(device, vendors.data)}
                    {device.firmware && <div class="muted">{t('phones.firmware', { version: device.firmware })}</div>}
                  </td>
                  <td data-label={t('phones.mac')}>
                    <code>{device.macAddress}</code>
                  </td>
                  <td data-label={t('phones.ip')}>{device.lastIp ?? '—'}</td>
                  <td data-label={t('phones.lastSeen')}>{lastSeen(device)}</td>
                  <td data-label={t('phones.claim')}>
                    <ClaimBadge device={device} />
                  </td>
                  <td class="actions">
                    <a class="button" href={`/phones/${device.id}`} aria-label={`${t('phones.open')} ${device.label || device.macAddress}`}>
                      {t('phones.open')}
                    </a>
                    {manage && (
                      <RowButton label={t('phones.reboot')} name={device.label || device.macAddress} onClick={() => act(() => http.post(`${PROVISIONING_API}/devices/${device.id}/reboot`), t('phones.rebootSent'))} />
                    )}
                  </td>
                </tr>
              ))}
            </DataTable>
            <Pager offset={offset} limit={LIMIT} total={assigned.data.total} onOffset={setOffset} />
          </>
        )}
      </section>

      <Dialog title={assigning === 'new' ? t('phones.add') : t('phones.assignTitle')} open={assigning !== null} onClose={() => setAssigning(null)}>
        {assigning !== null && (
          <AssignForm
            device={assigning === 'new' ? null : assigning}
            vendors={vendors.data ?? []}
            onCancel={() => setAssigning(null)}
            onSaved={() => {
              setNotice(t('phones.assigned.done'));
              setAssigning(null);
              reload();
            }}
          />
        )}
      </Dialog>
      <ConfirmDialog
        open={forgetting !== null}
        message={t('phones.forgetConfirm', { mac: forgetting?.macAddress ?? '' })}
        confirmLabel={t('phones.forget')}
        onClose={() => setForgetting(null)}
        onConfirm={async () => {
          await http.delete(`${PROVISIONING_API}/devices/${forgetting!.id}`);
          setNotice(t('common.deleted'));
          reload();
        }}
      />
    </Page>
  );
}
