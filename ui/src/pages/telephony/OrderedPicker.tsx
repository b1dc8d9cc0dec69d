import { t } from '../../lib/i18n';
import { labelOf, type Named } from './resource';

/** Errors the API gives for a list field and its items (`trunkIds`, `trunkIds.1`), as one text. */
export function listError(errors: Record<string, string>, name: string): string | undefined {
  const own = errors[name] ? [errors[name]] : [];
  const items = Object.entries(errors)
    .filter(([key]) => key.startsWith(`${name}.`))
    .map(([key, message]) => `${t('tel.item', { n: Number(key.slice(name.length + 1)) + 1 })}: ${message}`);
  const all = [...own, ...items];
  return all.length ? all.join(' ') : undefined;
}

/**
 * An ordered choice of items (trunks in failover order, ring group members in hunt order):
 * add from a list, move up or down, remove; all with the keyboard.
 */
export function OrderedPicker(props: { label: string; name: string; hint?: string; value: number[]; onValue: (ids: number[]) => void; options: Named[]; error?: string }) {
  const { value, options } = props;
  const byId = new Map(options.map((o) => [o.id, o]));
  const label = (id: number) => {
    const item = byId.get(id);
    return item ? labelOf(item) : `#${id}`;
  };
  const move = (index: number, by: number) => {
    const next = [...value];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item);
    props.onValue(next);
  };
  const free = options.filter((o) => !value.includes(o.id));
  const addId = `${props.name}-add`;
  return (
    <fieldset class={`field ordered-picker${props.error ? ' has-error' : ''}`} data-field={props.name}>
      <legend>{props.label}</legend>
      {props.hint && <p class="hint">{props.hint}</p>}
      {value.length === 0 ? (
        <p class="muted">{t('common.none')}</p>
      ) : (
        <ol>
          {value.map((id, index) => (
            <li key={id}>
              <span>{label(id)}</span>{' '}
              <button type="button" disabled={index === 0} onClick={() => move(index, -1)} aria-label={t('tel.moveUp', { name: label(id) })}>
                ↑
              </button>
              <button type="button" disabled={index === value.length - 1} onClick={() => move(index, 1)} aria-label={t('tel.moveDown', { name: label(id) })}>
                ↓
              </button>
              <button type="button" class="danger" onClick={() => props.onValue(value.filter((other) => other !== id))} aria-label={t('tel.removeItem', { name: label(id) })}>
                ×
              </button>
            </li>
          ))}
        </ol>
      )}
      {free.length > 0 && (
        <div class="inline-form">
          <label for={addId}>{t('tel.addItem')}</label>
          <select
            id={addId}
            value=""
            aria-invalid={props.error ? 'true' : undefined}
            onChange={(e) => {
              const id = Number((e.currentTarget as HTMLSelectElement).value);
              if (id) props.onValue([...value, id]);
            }}
          >
            <option value="">{t('tel.dest.choose')}</option>
            {free.map((o) => (
              <option key={o.id} value={String(o.id)}>
                {label(o.id)}
              </option>
            ))}
          </select>
        </div>
      )}
      {props.error && <p class="field-error">{props.error}</p>}
    </fieldset>
  );
}
