import type { Descriptions } from '../../lib/descriptions';
import { describe } from '../../lib/descriptions';
import { t } from '../../lib/i18n';

/**
 * The permissions a token may be limited to: what each allows, in the UI's language, with its
 * key underneath (what integrators see in the API and in `GET /api/auth/me`).
 */
export function PermissionPicker(props: { name: string; label: string; keys: string[]; descriptions: Descriptions; value: string[]; onValue: (value: string[]) => void; error?: string }) {
  // One picker per page: a fixed id is unique.
  const id = 'token-permissions';
  const toggle = (key: string, on: boolean) => props.onValue(on ? [...props.value, key] : props.value.filter((v) => v !== key));
  return (
    <fieldset class="field permission-picker" data-field={props.name} aria-describedby={`${id}-hint`} data-testid="token-permission-picker">
      <legend>{props.label}</legend>
      <p class="hint" id={`${id}-hint`}>
        {t('tokens.permissionsHint')}
      </p>
      {props.keys.map((key) => (
        <label key={key} class="checkbox permission-choice" title={t('tokens.permissionKey', { key })}>
          <input type="checkbox" name={props.name} value={key} checked={props.value.includes(key)} onChange={(e) => toggle(key, (e.currentTarget as HTMLInputElement).checked)} />
          <span>
            <span class="permission-description">{describe(props.descriptions.permissions, key)}</span>
            <br />
            <code class="muted permission-key">{key}</code>
          </span>
        </label>
      ))}
      {props.error && (
        <p class="field-error" id={`${id}-error`} role="alert">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
