import { restrictionOptions } from '../../lib/labels';
import { http } from '../../lib/api';
import { useLoad } from '../../lib/components';
import { CheckboxField, FormStatus, SelectField, TextField, useForm } from '../../lib/forms';
import { formatPhone, t } from '../../lib/i18n';
import { useEvents } from '../../lib/socket';
import { can } from '../../shell/session';
import { nest, numberWithName, orNull, RECORDING_POLICIES, TELEPHONY_API, useOptions, whole, type Codec, type RecordingPolicy } from './resource';
import { CodecPreference } from './CodecPreference';
import { ExtensionBulkActions } from './ExtensionBulk';
import { FormButtons, ResourcePage, type FormDone } from './ResourcePage';
import { ExtensionCredentials } from './ExtensionCredentials';
import { RegenerateSecret } from './SecretReveal';

export interface Extension {
  id: number;
  number: string;
  name: string;
  userId: number | null;
  sipUsername: string;
  codecs: Codec[];
  maxContacts: number;
  webrtc: boolean;
  voicemail: { enabled: boolean; email: string | null };
  recording: RecordingPolicy;
  restrictionClass: string;
  outboundCallerId: string | null;
  doNotDisturb: boolean;
  forwarding: { unconditional: string | null; busy: string | null; noAnswer: string | null; noAnswerSeconds: number };
}

interface UserOption {
  id: number;
  displayName: string;
  email: string;
}

function initial(e: Extension | null) {
  return {
    number: e?.number ?? '',
    name: e?.name ?? '',
    userId: e?.userId ? String(e.userId) : '',
    sipUsername: e?.sipUsername ?? '',
    codecs: (e?.codecs ?? ['alaw', 'ulaw', 'g722']) as string[],
    maxContacts: String(e?.maxContacts ?? 3),
    webrtc: e?.webrtc ?? false,
    'voicemail.enabled': e?.voicemail.enabled ?? true,
    'voicemail.email': e?.voicemail.email ?? '',
    recording: e?.recording ?? 'never',
    restrictionClass: e?.restrictionClass ?? 'national',
    outboundCallerId: e?.outboundCallerId ?? '',
    doNotDisturb: e?.doNotDisturb ?? false,
    'forwarding.unconditional': e?.forwarding.unconditional ?? '',
    'forwarding.busy': e?.forwarding.busy ?? '',
    'forwarding.noAnswer': e?.forwarding.noAnswer ?? '',
    'forwarding.noAnswerSeconds': String(e?.forwarding.noAnswerSeconds ?? 20),
  };
}

function ExtensionForm(props: { extension: Extension | null; done: FormDone }) {
  const { extension } = props;
  const form = useForm(initial(extension));
  const classes = useLoad((signal) => http.get<{ items: Array<{ name: string; description: string }> }>(`${TELEPHONY_API}/restriction-classes`, { limit: 500 }, signal), []);
  // Linking an extension to a user needs to list users; without users.read the field is read-only.
  const users = useLoad((signal) => (can('users.read') ? http.get<{ items: UserOption[] }>('/api/users', { limit: 500 }, signal) : Promise.resolve({ items: [] as UserOption[] })), []);
  const v = form.values;
  const submit = form.onSubmit(async (values) => {
    const body = nest({
      ...values,
      userId: values.userId ? Number(values.userId) : null,
      maxContacts: whole(values.maxContacts),
      outboundCallerId: orNull(values.outboundCallerId),
      'voicemail.email': orNull(values['voicemail.email']),
      'forwarding.unconditional': orNull(values['forwarding.unconditional']),
      'forwarding.busy': orNull(values['forwarding.busy']),
      'forwarding.noAnswer': orNull(values['forwarding.noAnswer']),
      'forwarding.noAnswerSeconds': whole(values['forwarding.noAnswerSeconds']),
    });
    // The SIP user name defaults to the number on creation.
    if (!extension && !values.sipUsername.trim()) delete body.sipUsername;
    if (extension) await http.patch(`${TELEPHONY_API}/extensions/${extension.id}`, body);
    else await http.post(`${TELEPHONY_API}/extensions`, body);
    props.done.saved();
  });
  const userOptions = [{ value: '', label: t('tel.ext.noUser') }, ...(users.data?.items ?? []).map((u) => ({ value: String(u.id), label: `${u.displayName} <${u.email}>` }))];
  if (v.userId && !userOptions.some((o) => o.value === v.userId)) userOptions.push({ value: v.userId, label: `#${v.userId}` });
  const classOptions = restrictionOptions(classes.data?.items ?? [], v.restrictionClass);

  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate data-testid="extension-form">
      <div class="grid-2">
        <TextField label={t('tel.number')} required inputMode="numeric" autoComplete="off" hint={t('tel.ext.numberHint')} {...form.field('number')} />
        <TextField label={t('common.name')} required autoComplete="off" {...form.field('name')} />
      </div>
      <div class="grid-2">
        <SelectField label={t('tel.ext.user')} options={userOptions} disabled={!can('users.read')} {...form.field('userId')} />
        <TextField label={t('tel.sipUsername')} autoComplete="off" hint={extension ? undefined : t('tel.ext.sipUsernameHint')} {...form.field('sipUsername')} />
      </div>
      <CodecPreference name="codecs" value={v.codecs} onValue={(codecs) => form.set('codecs', codecs)} errors={form.errors} />
      <div class="grid-2">
        <TextField label={t('tel.ext.maxContacts')} inputMode="numeric" {...form.field('maxContacts')} />
        <SelectField label={t('tel.restrictionClass')} options={classOptions} {...form.field('restrictionClass')} />
      </div>
      <div class="grid-2">
        <SelectField label={t('tel.recording')} options={RECORDING_POLICIES.map((p) => ({ value: p, label: t(`tel.recording.${p}`) }))} {...form.field('recording')} onValue={(p) => form.set('recording', p as RecordingPolicy)} />
        <TextField label={t('tel.ext.outboundCallerId')} inputMode="tel" hint={t('tel.ext.outboundCallerIdHint')} {...form.field('outboundCallerId')} />
      </div>
      <CheckboxField label={t('tel.ext.webrtc')} {...form.field('webrtc')} />
      <CheckboxField label={t('tel.ext.dnd')} {...form.field('doNotDisturb')} />
      <fieldset class="field">
        <legend>{t('tel.ext.voicemail')}</legend>
        <CheckboxField label={t('tel.ext.voicemailEnabled')} {...form.field('voicemail.enabled')} />
        <TextField label={t('tel.ext.voicemailEmail')} type="email" autoComplete="off" {...form.field('voicemail.email')} />
      </fieldset>
      <fieldset class="field">
        <legend>{t('tel.ext.forwarding')}</legend>
        <div class="grid-2">
          <TextField label={t('tel.ext.fwdAlways')} inputMode="tel" {...form.field('forwarding.unconditional')} />
          <TextField label={t('tel.ext.fwdBusy')} inputMode="tel" {...form.field('forwarding.busy')} />
          <TextField label={t('tel.ext.fwdNoAnswer')} inputMode="tel" {...form.field('forwarding.noAnswer')} />
          <TextField label={t('tel.ext.fwdNoAnswerSeconds')} inputMode="numeric" {...form.field('forwarding.noAnswerSeconds')} />
        </div>
      </fieldset>
      <FormStatus form={form} />
      <FormButtons done={props.done} creating={!extension} busy={form.busy} />
    </form>
  );
}

/**
 * Whether each extension has a registered phone, for users who may see registrations
 * (`registrations.read`), kept current by `telephony.registrationChanged`; null otherwise.
 */
function useRegistrationStates(): Map<string, string> | null {
  const allowed = can('registrations.read');
  const registrations = useLoad(
    (signal) => (allowed ? http.get<{ items: Array<{ extension: string; state: string }> }>(`${TELEPHONY_API}/registrations`, undefined, signal) : Promise.resolve(null)),
    [allowed],
  );
  useEvents(['telephony.registrationChanged'], (payload) => {
    const change = payload as { extension?: string; state?: string };
    if (!registrations.data || !change.extension || !change.state) return;
    registrations.setData({ items: registrations.data.items.map((r) => (r.extension === change.extension ? { ...r, state: change.state! } : r)) });
  });
  useEvents(['telephony.resourceChanged'], () => allowed && registrations.reload());
  if (!allowed || !registrations.data) return null;
  return new Map(registrations.data.items.map((r) => [r.extension, r.state]));
}

function PhoneState(props: { state: string | undefined }) {
  const state = props.state === 'online' || props.state === 'offline' ? props.state : 'unknown';
  return <span class={`badge${state === 'online' ? ' badge-ok' : ''}`}>{t(`tel.ext.phone.${state}`)}</span>;
}

/** Extensions: phones and softphones, with their SIP account, codecs, voicemail, forwarding. */
export default function ExtensionsPage() {
  const states = useRegistrationStates();
  // Forwarding to another extension shows its name: "302 · Sales".
  const extensions = useOptions('extensions');
  useEvents(['telephony.resourceChanged'], () => extensions.reload());
  const target = (number: string) => (/^[1-9][0-9]{1,7}$/.test(number) ? numberWithName(number, extensions.data) : formatPhone(number));
  return (
    <ResourcePage<Extension>
      title={t('page.extensions')}
      resource="extensions"
      testId="extensions"
      searchHint={t('tel.ext.searchHint')}
      addLabel={t('tel.ext.add')}
      editLabel={t('tel.ext.edit')}
      nameOf={(e) => `${e.number} ${e.name}`}
      columns={[
        { label: t('tel.number'), cell: (e) => <strong>{e.number}</strong> },
        { label: t('common.name'), cell: (e) => e.name },
        { label: t('tel.sipUsername'), cell: (e) => <code>{e.sipUsername}</code> },
        ...(states ? [{ label: t('tel.ext.phone'), cell: (e: Extension) => <PhoneState state={states.get(e.number)} /> }] : []),
        { label: t('tel.codecs'), cell: (e) => e.codecs.map((c) => t(`tel.codec.${c}`)).join(', ') },
        {
          label: t('tel.ext.state'),
          cell: (e) => (
            <>
              {e.doNotDisturb && <span class="badge badge-warn">{t('tel.ext.dndShort')}</span>}{' '}
              {e.forwarding.unconditional && <span class="badge">{t('tel.ext.forwardedTo', { number: target(e.forwarding.unconditional) })}</span>}{' '}
              {e.webrtc && <span class="badge">WebRTC</span>}{' '}
              {e.recording !== 'never' && <span class="badge">{t(`tel.recording.${e.recording}`)}</span>}
            </>
          ),
        },
      ]}
      headerActions={(reload) => <ExtensionBulkActions reload={reload} />}
      rowActions={(e, reload) => (
        <>
          <ExtensionCredentials url={`${TELEPHONY_API}/extensions/${e.id}/sip-secret/reveal`} name={`${e.number} ${e.name}`} />
          <RegenerateSecret url={`${TELEPHONY_API}/extensions/${e.id}/sip-secret/regenerate`} name={`${e.number} ${e.name}`} onDone={reload} />
        </>
      )}
      renderForm={(e, done) => <ExtensionForm extension={e} done={done} />}
    />
  );
}
