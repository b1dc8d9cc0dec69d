import { http } from '../../lib/api';
import { FormStatus, SelectField, TextField, useForm } from '../../lib/forms';
import { t } from '../../lib/i18n';
import { DestinationField, describeDestination, useDestinationChoices, type Destination } from './DestinationField';
import { listError, OrderedPicker } from './OrderedPicker';
import { labelOf, TELEPHONY_API, whole } from './resource';
import { FormButtons, ResourcePage, type FormDone } from './ResourcePage';

export interface RingGroup {
  id: number;
  number: string;
  name: string;
  strategy: 'ring_all' | 'hunt';
  members: number[];
  ringSeconds: number;
  fallback: Destination;
}

function RingGroupForm(props: { group: RingGroup | null; done: FormDone; choices: ReturnType<typeof useDestinationChoices> }) {
  const { group, choices } = props;
  const form = useForm({
    number: group?.number ?? '',
    name: group?.name ?? '',
    strategy: group?.strategy ?? 'ring_all',
    members: group?.members ?? ([] as number[]),
    ringSeconds: String(group?.ringSeconds ?? 20),
    fallback: group?.fallback ?? ({ type: 'hangup' } as Destination),
  });
  const submit = form.onSubmit(async (values) => {
    const body = { ...values, ringSeconds: whole(values.ringSeconds) };
    if (group) await http.patch(`${TELEPHONY_API}/ring-groups/${group.id}`, body);
    else await http.post(`${TELEPHONY_API}/ring-groups`, body);
    props.done.saved();
  });
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate data-testid="ring-group-form">
      <div class="grid-2">
        <TextField label={t('tel.number')} required inputMode="numeric" autoComplete="off" {...form.field('number')} />
        <TextField label={t('common.name')} required autoComplete="off" {...form.field('name')} />
      </div>
      <div class="grid-2">
        <SelectField
          label={t('tel.rg.strategy')}
          hint={t(`tel.rg.strategyHint.${form.values.strategy}`)}
          options={[
            { value: 'ring_all', label: t('tel.rg.strategy.ring_all') },
            { value: 'hunt', label: t('tel.rg.strategy.hunt') },
          ]}
          {...form.field('strategy')}
          onValue={(s) => form.set('strategy', s as RingGroup['strategy'])}
        />
        <TextField label={t('tel.rg.ringSeconds')} inputMode="numeric" {...form.field('ringSeconds')} />
      </div>
      <OrderedPicker
        label={t('tel.rg.members')}
        name="members"
        hint={form.values.strategy === 'hunt' ? t('tel.rg.membersHuntHint') : undefined}
        value={form.values.members}
        onValue={(ids) => form.set('members', ids)}
        options={choices.extensions}
        error={listError(form.errors, 'members')}
      />
      <DestinationField label={t('tel.rg.fallback')} name="fallback" value={form.values.fallback} onValue={(d) => form.set('fallback', d)} errors={form.errors} choices={choices} />
      <FormStatus form={form} />
      <FormButtons done={props.done} creating={!group} busy={form.busy} />
    </form>
  );
}

/** Ring groups: several extensions behind one number, all at once or one after the other. */
export default function RingGroupsPage() {
  const choices = useDestinationChoices();
  const extension = (id: number) => {
    const found = choices.extensions.find((e) => e.id === id);
    return found ? labelOf(found) : `#${id}`;
  };
  return (
    <ResourcePage<RingGroup>
      title={t('page.ringGroups')}
      resource="ring-groups"
      testId="ring-groups"
      searchHint={t('tel.rg.searchHint')}
      addLabel={t('tel.rg.add')}
      editLabel={t('tel.rg.edit')}
      nameOf={(g) => `${g.number} ${g.name}`}
      columns={[
        { label: t('tel.number'), cell: (g) => <strong>{g.number}</strong> },
        { label: t('common.name'), cell: (g) => g.name },
        { label: t('tel.rg.strategy'), cell: (g) => t(`tel.rg.strategy.${g.strategy}`) },
        { label: t('tel.rg.members'), cell: (g) => g.members.map(extension).join(g.strategy === 'hunt' ? ' → ' : ', ') },
        { label: t('tel.rg.fallback'), cell: (g) => describeDestination(g.fallback, choices) },
      ]}
      renderForm={(g, done) => <RingGroupForm group={g} done={done} choices={choices} />}
    />
  );
}
