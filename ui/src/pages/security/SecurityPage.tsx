import { useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { Dialog, Notice, Page, useLoad } from '../../lib/components';
import { errorMessage } from '../../lib/forms';
import { formatDate, formatNumber, t, useI18n } from '../../lib/i18n';
import { ActionNotices, DataTable, LoadStatus, RowButton, usePageActions } from '../../lib/list';
import { can } from '../../shell/session';

type Jail = 'carillon' | 'carillon-asterisk';

interface Overview {
  fail2ban: { fail2ban: 'available' | 'not_installed'; bans: Array<{ jail: Jail; address: string; bannedAt: string; expiresAt: string }> } | null;
  provisioning: Array<{ address: string; reason: 'unknown_mac' | 'bad_credentials' | 'bad_path'; bannedAt: string; expiresAt: string }> | null;
  lockedAccounts: Array<{ id: number; email: string; displayName: string; lockedUntil: string; failedLogins: number; lockCount: number }> | null;
}

interface BanDetails {
  banCount: number;
  failures: number;
  matches: string[];
}

/** A permanent fail2ban ban comes back as the last instant of 9999. */
const until = (iso: string) => (iso.startsWith('9999-') ? t('security.f2b.permanent') : formatDate(iso));

/** Who is kept out: fail2ban's bans, provisioning bans, locked accounts; each part for whoever may see it, each action for whoever may do it. */
export default function SecurityPage() {
  useI18n();
  const load = useLoad((signal) => http.get<Overview>('/api/system/security', undefined, signal), []);
  const actions = usePageActions(load.reload);
  const view = load.data;
  return (
    <Page
      wide
      title={t('page.security')}
      actions={
        <button type="button" onClick={load.reload}>
          {t('common.refresh')}
        </button>
      }
    >
      <p>{t('security.intro')}</p>
      <LoadStatus load={load} />
      <ActionNotices notice={actions.notice} error={actions.error} />
      {view?.fail2ban && <Fail2banBans view={view.fail2ban} actions={actions} />}
      {view?.provisioning && <ProvisioningBans bans={view.provisioning} actions={actions} />}
      {view?.lockedAccounts && <LockedAccounts accounts={view.lockedAccounts} actions={actions} />}
    </Page>
  );
}

type Actions = ReturnType<typeof usePageActions>;

function Fail2banBans(props: { view: NonNullable<Overview['fail2ban']>; actions: Actions }) {
  const manage = can('telephony.manage');
  const [shown, setShown] = useState<{ jail: Jail; address: string } | null>(null);
  return (
    <section class="card stack" aria-labelledby="f2b-title" data-testid="security-fail2ban">
      <h2 id="f2b-title">{t('security.f2b.title')}</h2>
      {props.view.fail2ban === 'not_installed' ? (
        <Notice kind="info">{t('security.f2b.notInstalled')}</Notice>
      ) : (
        <DataTable columns={[t('security.f2b.address'), t('security.f2b.jail'), t('security.f2b.since'), t('security.f2b.until')]} actions empty={props.view.bans.length === 0 && t('security.f2b.none')} testId="security-fail2ban-table">
          {props.view.bans.map((ban) => (
            <tr key={`${ban.jail} ${ban.address}`}>
              <td data-label={t('security.f2b.address')}>{ban.address}</td>
              <td data-label={t('security.f2b.jail')}>{ban.jail === 'carillon-asterisk' ? t('security.f2b.jailSip') : t('security.f2b.jailWeb')}</td>
              <td data-label={t('security.f2b.since')}>{formatDate(ban.bannedAt)}</td>
              <td data-label={t('security.f2b.until')}>{until(ban.expiresAt)}</td>
              <td class="actions">
                <RowButton label={t('security.f2b.details')} name={ban.address} onClick={() => setShown(ban)} />
                {manage && (
                  <RowButton
                    label={t('security.f2b.unban')}
                    name={ban.address}
                    onClick={() => void props.actions.act(() => http.delete(`/api/telephony/sip-bans/${ban.jail}/${encodeURIComponent(ban.address)}`), t('security.f2b.unbanned'))}
                  />
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <p class="muted">
        {t('security.f2b.exemptHint')} <a href="/telephony/settings">{t('security.f2b.exemptLink')}</a>
      </p>
      <Dialog title={shown ? t('security.f2b.detailsTitle', { address: shown.address }) : ''} open={shown !== null} onClose={() => setShown(null)}>
        {shown && <BanDetailsView jail={shown.jail} address={shown.address} />}
      </Dialog>
    </section>
  );
}

function BanDetailsView(props: { jail: Jail; address: string }) {
  const details = useLoad((signal) => http.get<BanDetails>(`/api/telephony/sip-bans/${props.jail}/${encodeURIComponent(props.address)}`, undefined, signal), [props.jail, props.address]);
  if (details.error) return <Notice kind="error">{errorMessage(details.error)}</Notice>;
  if (!details.data) return <LoadStatus load={details} />;
  const d = details.data;
  return (
    <div class="stack" data-testid="ban-details">
      <dl class="stats">
        <dt>{t('security.f2b.banCount')}</dt>
        <dd>{formatNumber(d.banCount)}</dd>
        <dt>{t('security.f2b.failures')}</dt>
        <dd>{formatNumber(d.failures)}</dd>
      </dl>
      <h3>{t('security.f2b.matches')}</h3>
      {d.matches.length ? <pre class="log-lines">{d.matches.join('\n')}</pre> : <p class="muted">{t('security.f2b.noMatches')}</p>}
    </div>
  );
}

function ProvisioningBans(props: { bans: NonNullable<Overview['provisioning']>; actions: Actions }) {
  const manage = can('provisioning.manage');
  return (
    <section class="card stack" aria-labelledby="prov-bans-title" data-testid="security-provisioning">
      <h2 id="prov-bans-title">{t('security.prov.title')}</h2>
      <DataTable columns={[t('security.f2b.address'), t('security.prov.reason'), t('security.f2b.since'), t('security.f2b.until')]} actions={manage} empty={props.bans.length === 0 && t('security.prov.none')}>
        {props.bans.map((ban) => (
          <tr key={ban.address}>
            <td data-label={t('security.f2b.address')}>{ban.address}</td>
            <td data-label={t('security.prov.reason')}>{t(`security.prov.reason.${ban.reason}`)}</td>
            <td data-label={t('security.f2b.since')}>{formatDate(ban.bannedAt)}</td>
            <td data-label={t('security.f2b.until')}>{formatDate(ban.expiresAt)}</td>
            {manage && (
              <td class="actions">
                <RowButton label={t('security.prov.lift')} name={ban.address} onClick={() => void props.actions.act(() => http.delete(`/api/provisioning/bans/${encodeURIComponent(ban.address)}`), t('security.prov.lifted'))} />
              </td>
            )}
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

function LockedAccounts(props: { accounts: NonNullable<Overview['lockedAccounts']>; actions: Actions }) {
  const manage = can('users.manage');
  return (
    <section class="card stack" aria-labelledby="locked-title" data-testid="security-locked">
      <h2 id="locked-title">{t('security.locked.title')}</h2>
      <DataTable columns={[t('security.locked.user'), t('security.locked.failed'), t('security.locked.count'), t('security.locked.until')]} actions={manage} empty={props.accounts.length === 0 && t('security.locked.none')}>
        {props.accounts.map((a) => (
          <tr key={a.id}>
            <td data-label={t('security.locked.user')}>
              {a.displayName} <span class="muted">{a.email}</span>
            </td>
            <td data-label={t('security.locked.failed')}>{formatNumber(a.failedLogins)}</td>
            <td data-label={t('security.locked.count')}>{formatNumber(a.lockCount)}</td>
            <td data-label={t('security.locked.until')}>{formatDate(a.lockedUntil)}</td>
            {manage && (
              <td class="actions">
                <RowButton label={t('security.locked.unlock')} name={a.email} onClick={() => void props.actions.act(() => http.post(`/api/users/${a.id}/unlock`, {}), t('security.locked.unlocked'))} />
              </td>
            )}
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
