import { http } from '../../lib/api';
import { useLoad } from '../../lib/components';
import { SelectField, TextField } from '../../lib/forms';
import { t } from '../../lib/i18n';
import { labelOf, TELEPHONY_API, useOptions, type Named } from './resource';

/** Where a call goes, as the API stores it (by id: renumbering never breaks a route). */
export type Destination =
  | { type: 'extension'; extensionId: number }
  | { type: 'ringGroup'; ringGroupId: number }
  | { type: 'voicemail'; extensionId: number }
  | { type: 'hangup' }
  | { type: 'application'; route: string; args: string[] }
  | { type: 'schedule'; scheduleId: number; open: Destination; closed: Destination };

type DestinationType = Destination['type'];
const TYPES: DestinationType[] = ['extension', 'ringGroup', 'voicemail', 'schedule', 'application', 'hangup'];

/** The lists a destination picks from, loaded once per form. */
export interface DestinationChoices {
  extensions: Named[];
  ringGroups: Named[];
  schedules: Named[];
  applications: Array<{ route: string; label: string }>;
}

export function useDestinationChoices(): DestinationChoices {
  const extensions = useOptions<Named>('extensions');
  const ringGroups = useOptions<Named>('ring-groups');
  const schedules = useOptions<Named>('schedules');
  const applications = useLoad((signal) => http.get<{ items: Array<{ route: string; label: string }> }>(`${TELEPHONY_API}/call-destinations`, undefined, signal).then((r) => r.items), []);
  return { extensions: extensions.data ?? [], ringGroups: ringGroups.data ?? [], schedules: schedules.data ?? [], applications: applications.data ?? [] };
}

/** A fresh destination of a type, pointing at the first choice available. */
function blank(type: DestinationType, choices: DestinationChoices): Destination {
  const first = (list: Named[]) => list[0]?.id ?? 0;
  switch (type) {
    case 'extension':
      return { type, extensionId: first(choices.extensions) };
    case 'voicemail':
      return { type, extensionId: first(choices.extensions) };
    case 'ringGroup':
      return { type, ringGroupId: first(choices.ringGroups) };
    case 'schedule':
      return { type, scheduleId: first(choices.schedules), open: blank('extension', choices), closed: blank('voicemail', choices) };
    case 'application':
      return { type, route: choices.applications[0]?.route ?? '', args: [] };
    default:
      return { type: 'hangup' };
  }
}

export function defaultDestination(choices: DestinationChoices): Destination {
  return blank('extension', choices);
}

/**
 * Picks a destination; a schedule branches into an "open" and a "closed" destination. Field
 * errors from the API (`destination.extensionId`, `destination.open.ringGroupId`…) show next to
 * the select they concern.
 */
export function DestinationField(props: {
  label: string;
  name: string;
  value: Destination;
  onValue: (value: Destination) => void;
  errors: Record<string, string>;
  choices: DestinationChoices;
  depth?: number;
}) {
  const { name, value, choices, errors } = props;
  const depth = props.depth ?? 0;
  const types = depth >= 2 ? TYPES.filter((type) => type !== 'schedule') : TYPES;
  const select = (field: string, list: Named[], current: number, update: (id: number) => void) => (
    <SelectField
      label={t(`tel.dest.${field}`)}
      name={`${name}.${field}`}
      required
      value={String(current)}
      error={errors[`${name}.${field}`]}
      options={[{ value: '0', label: t('tel.dest.choose') }, ...list.map((item) => ({ value: String(item.id), label: labelOf(item) }))]}
      onValue={(v) => update(Number(v))}
    />
  );
  return (
    <fieldset class={`field destination${errors[name] ? ' has-error' : ''}`} data-field={name}>
      <legend>{props.label}</legend>
      <SelectField
        label={t('tel.dest.type')}
        name={`${name}.type`}
        value={value.type}
        error={errors[`${name}.type`]}
        options={types.map((type) => ({ value: type, label: t(`tel.dest.type.${type}`) }))}
        onValue={(type) => props.onValue(blank(type as DestinationType, choices))}
      />
      {(value.type === 'extension' || value.type === 'voicemail') && select('extensionId', choices.extensions, value.extensionId, (id) => props.onValue({ ...value, extensionId: id }))}
      {value.type === 'ringGroup' && select('ringGroupId', choices.ringGroups, value.ringGroupId, (id) => props.onValue({ ...value, ringGroupId: id }))}
      {value.type === 'application' && (
        <>
          <SelectField
            label={t('tel.dest.route')}
            name={`${name}.route`}
            value={value.route}
            error={errors[`${name}.route`]}
            options={[{ value: '', label: t('tel.dest.choose') }, ...choices.applications.map((a) => ({ value: a.route, label: a.label }))]}
            onValue={(route) => props.onValue({ ...value, route })}
          />
          <TextField
            label={t('tel.dest.args')}
            name={`${name}.args`}
            hint={t('tel.dest.argsHint')}
            value={value.args.join(', ')}
            error={errors[`${name}.args`]}
            onValue={(text) => props.onValue({ ...value, args: text.split(',').map((a) => a.trim()).filter(Boolean) })}
          />
        </>
      )}
      {value.type === 'schedule' && (
        <>
          {select('scheduleId', choices.schedules, value.scheduleId, (id) => props.onValue({ ...value, scheduleId: id }))}
          <div class="destination-branches">
            <DestinationField label={t('tel.dest.whenOpen')} name={`${name}.open`} value={value.open} onValue={(open) => props.onValue({ ...value, open })} errors={errors} choices={choices} depth={depth + 1} />
            <DestinationField label={t('tel.dest.whenClosed')} name={`${name}.closed`} value={value.closed} onValue={(closed) => props.onValue({ ...value, closed })} errors={errors} choices={choices} depth={depth + 1} />
          </div>
        </>
      )}
      {errors[name] && <p class="field-error">{errors[name]}</p>}
    </fieldset>
  );
}

/** A short description of a destination for lists: "Extension 201 · Reception", "Opening hours: Office". */
export function describeDestination(destination: Destination, choices: DestinationChoices): string {
  const find = (list: Named[], id: number) => {
    const item = list.find((entry) => entry.id === id);
    return item ? labelOf(item) : `#${id}`;
  };
  switch (destination.type) {
    case 'extension':
      return `${t('tel.dest.type.extension')} ${find(choices.extensions, destination.extensionId)}`;
    case 'voicemail':
      return `${t('tel.dest.type.voicemail')} ${find(choices.extensions, destination.extensionId)}`;
    case 'ringGroup':
      return `${t('tel.dest.type.ringGroup')} ${find(choices.ringGroups, destination.ringGroupId)}`;
    case 'schedule':
      return `${find(choices.schedules, destination.scheduleId)}: ${describeDestination(destination.open, choices)} / ${describeDestination(destination.closed, choices)}`;
    case 'application':
      return choices.applications.find((a) => a.route === destination.route)?.label ?? destination.route;
    default:
      return t('tel.dest.type.hangup');
  }
}
