import { useEffect } from 'preact/hooks';
import { http } from '../../lib/api';
import { Notice, useLoad } from '../../lib/components';
import { FormStatus, SelectField, SubmitButton, TextArea, useForm } from '../../lib/forms';
import { formatDate, t } from '../../lib/i18n';
import { ActionNotices, DataTable, LoadStatus, RowButton, usePageActions } from '../../lib/list';
import { can } from '../../shell/session';
import { listError } from './OrderedPicker';
import { lines, TELEPHONY_API } from './resource';

interface SipBansView {
  fail2ban: 'available' | 'not_installed';
  bans: Array<{ jail: 'carillon' | 'carillon-asterisk'; address: string; bannedAt: string; expiresAt: string }>;
  exemption: { networks: string[] | null; effective: string[] };
}

function ExemptionForm(props: { view: SipBansView; onSaved: (view: SipBansView) => void }) {
  const values = (v: SipBansView) => ({ mode: v.exemption.networks === null ? 'provisioning' : 'custom', networks: (v.exemption.networks ?? []).join('\n') });
  const form = useForm(values(props.view));
  useEffect(() => form.setAll(values(props.view)), [props.view]);
  const submit = form.onSubmit(async (v) => {
    const saved = await http.put<SipBansView>(`${TELEPHONY_API}/sip-bans/exemption`, { networks: v.mode === 'provisioning' ? null : lines(v.networks) });
    form.setNotice(t('common.saved'));
    props.onSaved(saved);
  });
  const manage = can('telephony.manage');
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate data-testid="sip-ban-exemption">
      <fieldset class="field" disabled={!manage}>
        <legend>{t('tel.ban.exempt')}</legend>
        <SelectField
          label={t('tel.ban.exempt')}
          hint={t('tel.ban.exemptHint')}
          options={[
            { value: 'provisioning', label: t('tel.ban.exemptProvisioning') },
            { value: 'custom', label: t('tel.ban.exemptCustom') },
          ]}
          {...form.field('mode')}
        />
        {form.values.mode === 'custom' && <TextArea label={t('tel.ban.networks')} hint={t('tel.ban.networksHint')} rows={3} {...form.field('networks')} error={listError(form.errors, 'networks')} />}
        <p class="muted" data-testid="sip-ban-effective">
          {t('tel.ban.effective', { networks: props.view.exemption.effective.join(', ') })}
        </p>
      </fieldset>
      <FormStatus form={form} />
      {manage && (
        <div class="form-actions">
          <SubmitButton form={form} label={t('common.save')} />
        </div>
      )}
    </form>
  );
}

/** Who fail2ban bans (read through Carillon's privileged helper), lifting a ban, and the networks the SIP ban spares. */
export function SipBansPanel() {
  const load = useLoad((signal) => http.get<SipBansView>(`${TELEPHONY_API}/sip-bans`, undefined, signal), []);
  const actions = usePageActions(load.reload);
  const view = load.data;
  const manage = can('telephony.manage');
  return (
    <section class="stack" aria-labelledby="sip-bans-title" data-testid="sip-bans">
      <h2 id="sip-bans-title">{t('tel.ban.title')}</h2>
      <LoadStatus load={load} />
      <ActionNotices notice={actions.notice} error={actions.error} />
      {view && view.fail2ban === 'not_installed' && <Notice kind="info">{t('tel.ban.notInstalled')}</Notice>}
      {view && view.fail2ban === 'available' && (
        <DataTable columns={[t('tel.ban.address'), t('tel.ban.jail'), t('tel.ban.since'), t('tel.ban.until')]} actions={manage} empty={view.bans.length === 0 && t('tel.ban.none')} testId="sip-bans-table">
          {view.bans.map((ban) => (
            <tr key={`${ban.jail} ${ban.address}`}>
              <td data-label={t('tel.ban.address')}>{ban.address}</td>
              <td data-label={t('tel.ban.jail')}>{ban.jail === 'carillon-asterisk' ? t('tel.ban.jailSip') : t('tel.ban.jailWeb')}</td>
              <td data-label={t('tel.ban.since')}>{formatDate(ban.bannedAt)}</td>
              <td data-label={t('tel.ban.until')}>{formatDate(ban.expiresAt)}</td>
              {manage && (
                <td class="row-actions">
                  <RowButton
                    label={t('tel.ban.unban')}
                    name={ban.address}
                    onClick={() => void actions.act(() => http.delete(`${TELEPHONY_API}/sip-bans/${ban.jail}/${encodeURIComponent(ban.address)}`), t('tel.ban.unbanned'))}
                  />
                </td>
              )}
            </tr>
          ))}
        </DataTable>
      )}
      {view && <ExemptionForm view={view} onSaved={(v) => load.setData(v)} />}
    </section>
  );
}
