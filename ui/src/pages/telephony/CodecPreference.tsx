import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { listError } from './OrderedPicker';
import { CODECS } from './resource';

/**
 * The codecs an extension or a trunk offers, in preference order (the generated `allow=` line
 * keeps it): tick to offer, ↑/↓ to reorder. Every control is a native checkbox or button, so the
 * keyboard works as everywhere; after a move the focus stays on the moved codec's button and a
 * live region says where it went. Rows can also be dragged with a mouse or a finger.
 */
export function CodecPreference(props: { name: string; value: string[]; onValue: (codecs: string[]) => void; errors: Record<string, string> }) {
  const { value } = props;
  const offered = value.filter((c) => (CODECS as readonly string[]).includes(c));
  const others = CODECS.filter((c) => !offered.includes(c));
  const [announce, setAnnounce] = useState('');
  const [dragging, setDragging] = useState<string | null>(null);
  // After a move the list re-renders: put the focus back on the button that was pressed.
  const refocus = useRef<string | null>(null);
  const root = useRef<HTMLFieldSetElement>(null);
  useEffect(() => {
    if (!refocus.current || !root.current) return;
    const button = root.current.querySelector<HTMLButtonElement>(`[data-move="${refocus.current}"]`);
    refocus.current = null;
    // A codec moved to the top has no "up" button to keep: its "down" one takes the focus.
    (button && !button.disabled ? button : button?.parentElement?.querySelector<HTMLButtonElement>('button:not([disabled])'))?.focus();
  });

  const name = (codec: string) => t(`tel.codec.${codec}`);
  const moveTo = (codec: string, index: number, focusKey?: string) => {
    const next = offered.filter((c) => c !== codec);
    next.splice(index, 0, codec);
    if (focusKey) refocus.current = focusKey;
    setAnnounce(t('tel.codecMoved', { name: name(codec), position: index + 1, count: next.length }));
    props.onValue(next);
  };
  const toggle = (codec: string, on: boolean) => {
    props.onValue(on ? [...offered, codec] : offered.filter((c) => c !== codec));
    setAnnounce('');
  };
  const error = listError(props.errors, props.name);

  const row = (codec: string, index: number | null) => (
    <li
      key={codec}
      class={`codec-row${dragging === codec ? ' dragging' : ''}`}
      data-codec={codec}
      draggable={index !== null}
      onDragStart={(e) => {
        setDragging(codec);
        e.dataTransfer?.setData('text/plain', codec);
      }}
      onDragEnd={() => setDragging(null)}
      onDragOver={(e) => index !== null && dragging && e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        if (index !== null && dragging && dragging !== codec) moveTo(dragging, index);
        setDragging(null);
      }}
    >
      <label class="checkbox">
        <input type="checkbox" name={props.name} value={codec} checked={index !== null} onChange={(e) => toggle(codec, (e.currentTarget as HTMLInputElement).checked)} />{' '}
        {index !== null && <span class="codec-rank">{index + 1}.</span>} {name(codec)}
      </label>
      {index !== null && (
        <span class="codec-moves">
          <button type="button" data-move={`${codec}-up`} disabled={index === 0} onClick={() => moveTo(codec, index - 1, `${codec}-up`)} aria-label={t('tel.moveUp', { name: name(codec) })}>
            ↑
          </button>
          <button
            type="button"
            data-move={`${codec}-down`}
            disabled={index === offered.length - 1}
            onClick={() => moveTo(codec, index + 1, `${codec}-down`)}
            aria-label={t('tel.moveDown', { name: name(codec) })}
          >
            ↓
          </button>
        </span>
      )}
    </li>
  );

  return (
    <fieldset ref={root} class={`field codec-preference${error ? ' has-error' : ''}`} data-field={props.name}>
      <legend>{t('tel.codecs')}</legend>
      <p class="hint">{t('tel.codecOrderHint')}</p>
      <ol class="codec-list" aria-label={t('tel.codecsOffered')}>
        {offered.map((codec, index) => row(codec, index))}
      </ol>
      {others.length > 0 && (
        <ul class="codec-list codec-off" aria-label={t('tel.codecsNotOffered')}>
          {others.map((codec) => row(codec, null))}
        </ul>
      )}
      <p class="visually-hidden" aria-live="polite">
        {announce}
      </p>
      {error && <p class="field-error">{error}</p>}
    </fieldset>
  );
}
