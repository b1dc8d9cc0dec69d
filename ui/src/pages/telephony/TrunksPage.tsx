import { useState } from 'preact/hooks';
import { http } from '../../lib/api';
import { CheckboxField, FormStatus, SelectField, TextArea, TextField, useForm } from '../../lib/forms';
import { t } from '../../lib/i18n';
import { listError } from './OrderedPicker';
import { lines, nest, orNull, TELEPHONY_API, whole, type Codec } from './resource';
import { CodecPreference } from './CodecPreference';
import { FormButtons, ResourcePage, type FormDone } from './ResourcePage';
import { RegenerateSecret, SecretReveal } from './SecretReveal';

interface TrunkCommon {
  id: number;
  name: string;
  codecs: Codec[];
  maxChannels: number | null;
}

export type Trunk =
  | (TrunkCommon & { kind: 'operator'; host: string; port: number; transport: 'udp' | 'tcp' | 'tls'; username: string; fromDomain: string | null; fromUser: string | null; register: boolean })
  | (TrunkCommon & { kind: 'peer'; username: string; allowedAddresses: string[] });

function initial(trunk: Trunk | null) {
  const operator = trunk?.kind === 'operator' ? trunk : null;
  const peer = trunk?.kind === 'peer' ? trunk : null;
  return {
    kind: (trunk?.kind ?? 'operator') as Trunk['kind'],
    name: trunk?.name ?? '',
    codecs: (trunk?.codecs ?? ['alaw', 'ulaw', 'g722']) as string[],
    maxChannels: trunk?.maxChannels ? String(trunk.maxChannels) : '',
    host: operator?.host ?? '',
    port: String(operator?.port ?? 5060),
    transport: operator?.transport ?? 'udp',
    username: trunk?.username ?? '',
    password: '',
    fromDomain: operator?.fromDomain ?? '',
    fromUser: operator?.fromUser ?? '',
    register: operator?.register ?? true,
    allowedAddresses: peer?.allowedAddresses.join('\n') ?? '',
  };
}

function TrunkForm(props: { trunk: Trunk | null; done: FormDone }) {
  const { trunk } = props;
  const form = useForm(initial(trunk));
  const v = form.values;
  const submit = form.onSubmit(async (values) => {
    const common = { name: values.name, codecs: values.codecs, maxChannels: values.maxChannels.trim() ? whole(values.maxChannels) : null };
    const body =
      values.kind === 'operator'
        ? {
            ...common,
            host: values.host.trim(),
            port: whole(values.port),
            transport: values.transport,
            username: values.username.trim(),
            // Editing: an empty password keeps the current one.
            ...(values.password || !trunk ? { password: values.password } : {}),
            fromDomain: orNull(values.fromDomain),
            fromUser: orNull(values.fromUser),
            register: values.register,
          }
        : {
            ...common,
            ...(values.username.trim() || trunk ? { username: values.username.trim() } : {}),
            allowedAddresses: lines(values.allowedAddresses),
          };
    if (trunk) await http.patch(`${TELEPHONY_API}/trunks/${trunk.id}`, nest(body));
    else await http.post(`${TELEPHONY_API}/trunks`, nest({ kind: values.kind, ...body }));
    props.done.saved();
  });
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate data-testid="trunk-form">
      <SelectField
        label={t('tel.trunk.kind')}
        disabled={!!trunk}
        hint={v.kind === 'peer' ? t('tel.trunk.peerHint') : t('tel.trunk.operatorHint')}
        options={[
          { value: 'operator', label: t('tel.trunk.kind.operator') },
          { value: 'peer', label: t('tel.trunk.kind.peer') },
        ]}
        {...form.field('kind')}
        onValue={(kind) => form.set('kind', kind as Trunk['kind'])}
      />
      <div class="grid-2">
        <TextField label={t('common.name')} required autoComplete="off" {...form.field('name')} />
        <TextField label={t('tel.trunk.maxChannels')} inputMode="numeric" hint={t('tel.trunk.maxChannelsHint')} {...form.field('maxChannels')} />
      </div>
      {v.kind === 'operator' ? (
        <>
          <div class="grid-2">
            <TextField label={t('tel.trunk.host')} required autoComplete="off" {...form.field('host')} />
            <TextField label={t('tel.trunk.port')} inputMode="numeric" {...form.field('port')} />
          </div>
          <div class="grid-2">
            <SelectField
              label={t('tel.trunk.transport')}
              options={['udp', 'tcp', 'tls'].map((x) => ({ value: x, label: x.toUpperCase() }))}
              {...form.field('transport')}
              onValue={(x) => form.set('transport', x as 'udp' | 'tcp' | 'tls')}
            />
            <CheckboxField label={t('tel.trunk.register')} {...form.field('register')} />
          </div>
          <div class="grid-2">
            <TextField label={t('tel.trunk.username')} required autoComplete="off" {...form.field('username')} />
            <TextField label={t('tel.trunk.password')} type="password" autoComplete="new-password" required={!trunk} hint={trunk ? t('tel.trunk.passwordKeep') : undefined} {...form.field('password')} />
          </div>
          <div class="grid-2">
            <TextField label={t('tel.trunk.fromDomain')} autoComplete="off" {...form.field('fromDomain')} />
            <TextField label={t('tel.trunk.fromUser')} autoComplete="off" {...form.field('fromUser')} />
          </div>
        </>
      ) : (
        <>
          <TextField label={t('tel.trunk.username')} autoComplete="off" hint={trunk ? undefined : t('tel.trunk.peerUsernameHint')} {...form.field('username')} />
          <TextArea label={t('tel.trunk.allowedAddresses')} hint={t('tel.linesHint')} rows={3} {...form.field('allowedAddresses')} error={listError(form.errors, 'allowedAddresses')} />
        </>
      )}
      <CodecPreference name="codecs" value={v.codecs} onValue={(codecs) => form.set('codecs', codecs)} errors={form.errors} />
      <FormStatus form={form} />
      <FormButtons done={props.done} creating={!trunk} busy={form.busy} />
    </form>
  );
}

/** Trunks: to an operator (Carillon registers with its credentials) or for another IPBX (Carillon issues them). */
export default function TrunksPage() {
  const [kind, setKind] = useState('');
  return (
    <ResourcePage<Trunk>
      title={t('page.trunks')}
      resource="trunks"
      testId="trunks"
      searchHint={t('tel.trunk.searchHint')}
      addLabel={t('tel.trunk.add')}
      editLabel={t('tel.trunk.edit')}
      nameOf={(trunk) => trunk.name}
      query={{ kind }}
      filters={
        <div class="field">
          <label for="trunk-kind">{t('tel.trunk.kind')}</label>
          <select id="trunk-kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('tel.all')}</option>
            <option value="operator">{t('tel.trunk.kind.operator')}</option>
            <option value="peer">{t('tel.trunk.kind.peer')}</option>
          </select>
        </div>
      }
      columns={[
        { label: t('common.name'), cell: (trunk) => <strong>{trunk.name}</strong> },
        { label: t('tel.trunk.kind'), cell: (trunk) => t(`tel.trunk.kind.${trunk.kind}`) },
        { label: t('tel.trunk.host'), cell: (trunk) => (trunk.kind === 'operator' ? `${trunk.host}:${trunk.port} (${trunk.transport.toUpperCase()})` : trunk.allowedAddresses.join(', ') || t('tel.trunk.anyAddress')) },
        { label: t('tel.trunk.username'), cell: (trunk) => <code>{trunk.username}</code> },
        { label: t('tel.trunk.maxChannels'), cell: (trunk) => trunk.maxChannels ?? '∞' },
      ]}
      rowActions={(trunk, reload) => (
        <>
          <SecretReveal url={`${TELEPHONY_API}/trunks/${trunk.id}/secret/reveal`} name={trunk.name} userKey="username" passwordKey="password" />
          {/* An operator's password comes from the operator; Carillon issues only a peer IPBX's. */}
          {trunk.kind === 'peer' && <RegenerateSecret url={`${TELEPHONY_API}/trunks/${trunk.id}/secret/regenerate`} name={trunk.name} onDone={reload} />}
        </>
      )}
      renderForm={(trunk, done) => <TrunkForm trunk={trunk} done={done} />}
    />
  );
}
