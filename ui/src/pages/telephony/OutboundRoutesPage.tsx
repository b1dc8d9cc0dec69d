import { http } from '../../lib/api';
import { FormStatus, SelectField, TextArea, TextField, useForm } from '../../lib/forms';
import { t } from '../../lib/i18n';
import { listError, OrderedPicker } from './OrderedPicker';
import { lines, RECORDING_POLICIES, TELEPHONY_API, useOptions, whole, type Named, type RecordingPolicy } from './resource';
import { FormButtons, ResourcePage, type FormDone } from './ResourcePage';

export interface OutboundRoute {
  id: number;
  name: string;
  priority: number;
  patterns: string[];
  stripDigits: number;
  prepend: string;
  trunkIds: number[];
  recording: RecordingPolicy;
}

function OutboundRouteForm(props: { route: OutboundRoute | null; trunks: Named[]; done: FormDone }) {
  const { route } = props;
  const form = useForm({
    name: route?.name ?? '',
    priority: String(route?.priority ?? 100),
    patterns: route?.patterns.join('\n') ?? '',
    stripDigits: String(route?.stripDigits ?? 0),
    prepend: route?.prepend ?? '',
    trunkIds: route?.trunkIds ?? ([] as number[]),
    recording: route?.recording ?? 'never',
  });
  const submit = form.onSubmit(async (values) => {
    const body = {
      name: values.name.trim(),
      priority: whole(values.priority),
      patterns: lines(values.patterns),
      stripDigits: whole(values.stripDigits),
      prepend: values.prepend.trim(),
      trunkIds: values.trunkIds,
      recording: values.recording,
    };
    if (route) await http.patch(`${TELEPHONY_API}/outbound-routes/${route.id}`, body);
    else await http.post(`${TELEPHONY_API}/outbound-routes`, body);
    props.done.saved();
  });
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate data-testid="outbound-route-form">
      <div class="grid-2">
        <TextField label={t('common.name')} required autoComplete="off" {...form.field('name')} />
        <TextField label={t('tel.out.priority')} inputMode="numeric" hint={t('tel.out.priorityHint')} {...form.field('priority')} />
      </div>
      <TextArea label={t('tel.out.patterns')} required rows={4} hint={t('tel.out.patternsHint')} {...form.field('patterns')} error={listError(form.errors, 'patterns')} />
      <div class="grid-2">
        <TextField label={t('tel.out.stripDigits')} inputMode="numeric" {...form.field('stripDigits')} />
        <TextField label={t('tel.out.prepend')} inputMode="tel" autoComplete="off" {...form.field('prepend')} />
      </div>
      <OrderedPicker
        label={t('tel.out.trunks')}
        name="trunkIds"
        hint={t('tel.out.trunksHint')}
        value={form.values.trunkIds}
        onValue={(ids) => form.set('trunkIds', ids)}
        options={props.trunks}
        error={listError(form.errors, 'trunkIds')}
      />
      <SelectField label={t('tel.recording')} options={RECORDING_POLICIES.map((p) => ({ value: p, label: t(`tel.recording.${p}`) }))} {...form.field('recording')} onValue={(p) => form.set('recording', p as RecordingPolicy)} />
      <FormStatus form={form} />
      <FormButtons done={props.done} creating={!route} busy={form.busy} />
    </form>
  );
}

/** Outbound routes: dial patterns, prefix rules and trunks in failover order, evaluated by priority. */
export default function OutboundRoutesPage() {
  const trunks = useOptions<Named>('trunks');
  const trunkName = (id: number) => trunks.data?.find((trunk) => trunk.id === id)?.name ?? `#${id}`;
  return (
    <ResourcePage<OutboundRoute>
      title={t('page.outboundRoutes')}
      resource="outbound-routes"
      testId="outbound-routes"
      searchHint={t('tel.out.searchHint')}
      addLabel={t('tel.out.add')}
      editLabel={t('tel.out.edit')}
      nameOf={(r) => r.name}
      columns={[
        { label: t('tel.out.priority'), cell: (r) => r.priority },
        { label: t('common.name'), cell: (r) => <strong>{r.name}</strong> },
        { label: t('tel.out.patterns'), cell: (r) => r.patterns.map((p) => <code key={p}>{p} </code>) },
        { label: t('tel.out.rewrite'), cell: (r) => (r.stripDigits || r.prepend ? t('tel.out.rewriteText', { strip: r.stripDigits, prepend: r.prepend || '∅' }) : t('common.none')) },
        { label: t('tel.out.trunks'), cell: (r) => r.trunkIds.map(trunkName).join(' → ') },
      ]}
      renderForm={(r, done) => <OutboundRouteForm route={r} trunks={trunks.data ?? []} done={done} />}
    />
  );
}
