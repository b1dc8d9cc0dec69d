import { restrictionDescription, restrictionLabel } from '../../lib/labels';
import { http } from '../../lib/api';
import { FormStatus, TextArea, TextField, useForm } from '../../lib/forms';
import { t } from '../../lib/i18n';
import { listError } from './OrderedPicker';
import { lines, TELEPHONY_API } from './resource';
import { FormButtons, ResourcePage, type FormDone } from './ResourcePage';

export interface RestrictionClass {
  id: number;
  name: string;
  description: string;
  deniedPatterns: string[];
}

function RestrictionClassForm(props: { restriction: RestrictionClass | null; done: FormDone }) {
  const { restriction } = props;
  const form = useForm({ name: restriction?.name ?? '', description: restriction?.description ?? '', deniedPatterns: restriction?.deniedPatterns.join('\n') ?? '' });
  const submit = form.onSubmit(async (values) => {
    const body = { name: values.name.trim(), description: values.description.trim(), deniedPatterns: lines(values.deniedPatterns) };
    if (restriction) await http.patch(`${TELEPHONY_API}/restriction-classes/${restriction.id}`, body);
    else await http.post(`${TELEPHONY_API}/restriction-classes`, body);
    props.done.saved();
  });
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate data-testid="restriction-class-form">
      <TextField label={t('common.name')} required autoComplete="off" hint={t('tel.rc.nameHint')} {...form.field('name')} />
      <TextField label={t('common.description')} autoComplete="off" {...form.field('description')} />
      <TextArea label={t('tel.rc.denied')} rows={6} hint={t('tel.out.patternsHint')} {...form.field('deniedPatterns')} error={listError(form.errors, 'deniedPatterns')} />
      <FormStatus form={form} />
      <FormButtons done={props.done} creating={!restriction} busy={form.busy} />
    </form>
  );
}

/** Call restriction classes: the numbers an extension may not dial (international, surcharged…). */
export default function RestrictionClassesPage() {
  return (
    <ResourcePage<RestrictionClass>
      title={t('page.restrictionClasses')}
      resource="restriction-classes"
      testId="restriction-classes"
      searchHint={t('tel.rc.searchHint')}
      addLabel={t('tel.rc.add')}
      editLabel={t('tel.rc.edit')}
      nameOf={(c) => c.name}
      columns={[
        { label: t('common.name'), cell: (c) => <><strong>{restrictionLabel(c.name)}</strong> {restrictionLabel(c.name) !== c.name && <code class="muted">{c.name}</code>}</> },
        { label: t('common.description'), cell: (c) => restrictionDescription(c.name, c.description) },
        { label: t('tel.rc.denied'), cell: (c) => (c.deniedPatterns.length ? t('tel.rc.deniedCount', { count: c.deniedPatterns.length }) : t('tel.rc.nothingDenied')) },
      ]}
      renderForm={(c, done) => <RestrictionClassForm restriction={c} done={done} />}
    />
  );
}
