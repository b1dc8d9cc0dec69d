import { useEffect } from 'preact/hooks';
import { http } from '../../lib/api';
import { FormStatus, SelectField, TextField, useForm } from '../../lib/forms';
import { formatPhone, t } from '../../lib/i18n';
import { DestinationField, defaultDestination, describeDestination, useDestinationChoices, type Destination } from './DestinationField';
import { orNull, RECORDING_POLICIES, TELEPHONY_API, type RecordingPolicy } from './resource';
import { FormButtons, ResourcePage, type FormDone } from './ResourcePage';

export interface InboundRoute {
  id: number;
  name: string;
  did: string | null;
  callerPattern: string | null;
  destination: Destination;
  recording: RecordingPolicy;
}

function InboundRouteForm(props: { route: InboundRoute | null; done: FormDone; choices: ReturnType<typeof useDestinationChoices> }) {
  const { route, choices } = props;
  const form = useForm({
    name: route?.name ?? '',
    did: route?.did ?? '',
    callerPattern: route?.callerPattern ?? '',
    destination: route?.destination ?? defaultDestination(choices),
    recording: route?.recording ?? 'never',
  });
  // A new route points at the first extension once the lists have loaded.
  useEffect(() => {
    const d = form.values.destination;
    if (!route && d.type === 'extension' && !d.extensionId && choices.extensions.length) form.set('destination', defaultDestination(choices));
  }, [choices.extensions.length]);
  const submit = form.onSubmit(async (values) => {
    const body = { name: values.name.trim(), did: orNull(values.did), callerPattern: orNull(values.callerPattern), destination: values.destination, recording: values.recording };
    if (route) await http.patch(`${TELEPHONY_API}/inbound-routes/${route.id}`, body);
    else await http.post(`${TELEPHONY_API}/inbound-routes`, body);
    props.done.saved();
  });
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate data-testid="inbound-route-form">
      <TextField label={t('common.name')} autoComplete="off" {...form.field('name')} />
      <div class="grid-2">
        <TextField label={t('tel.in.did')} inputMode="tel" autoComplete="off" hint={t('tel.in.didHint')} {...form.field('did')} />
        <TextField label={t('tel.in.callerPattern')} autoComplete="off" hint={t('tel.patternHint')} {...form.field('callerPattern')} />
      </div>
      <DestinationField label={t('tel.destination')} name="destination" value={form.values.destination} onValue={(d) => form.set('destination', d)} errors={form.errors} choices={choices} />
      <SelectField label={t('tel.recording')} options={RECORDING_POLICIES.map((p) => ({ value: p, label: t(`tel.recording.${p}`) }))} {...form.field('recording')} onValue={(p) => form.set('recording', p as RecordingPolicy)} />
      <FormStatus form={form} />
      <FormButtons done={props.done} creating={!route} busy={form.busy} />
    </form>
  );
}

/** Inbound routes: which DID (and caller) goes where: an extension, a ring group, opening hours… */
export default function InboundRoutesPage() {
  const choices = useDestinationChoices();
  return (
    <ResourcePage<InboundRoute>
      title={t('page.inboundRoutes')}
      resource="inbound-routes"
      testId="inbound-routes"
      searchHint={t('tel.in.searchHint')}
      addLabel={t('tel.in.add')}
      editLabel={t('tel.in.edit')}
      nameOf={(r) => r.name || r.did || t('tel.in.anyDid')}
      columns={[
        { label: t('tel.in.did'), cell: (r) => (r.did ? formatPhone(r.did) : <em>{t('tel.in.anyDid')}</em>) },
        { label: t('common.name'), cell: (r) => r.name },
        { label: t('tel.in.callerPattern'), cell: (r) => (r.callerPattern ? <code>{r.callerPattern}</code> : t('tel.in.anyCaller')) },
        { label: t('tel.destination'), cell: (r) => describeDestination(r.destination, choices) },
        { label: t('tel.recording'), cell: (r) => t(`tel.recording.${r.recording}`) },
      ]}
      renderForm={(r, done) => <InboundRouteForm route={r} done={done} choices={choices} />}
    />
  );
}
