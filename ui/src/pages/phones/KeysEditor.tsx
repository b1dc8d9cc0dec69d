import { useState } from 'preact/hooks';
import { ApiError, http } from '../../lib/api';
import { errorMessage } from '../../lib/forms';
import { t } from '../../lib/i18n';
import { DataTable } from '../../lib/list';
import { PROVISIONING_API, type Device, type KeyType, type ProgrammableKey } from './devices';

const ALL_TYPES: KeyType[] = ['line', 'blf', 'speed_dial', 'park'];

/** The next key a person would add: the first free position on the phone, else on a module. */
function nextKey(keys: ProgrammableKey[], device: Device): ProgrammableKey {
  const caps = device.capabilities;
  const taken = (where: 'phone' | 'module', module: number | null, index: number) => keys.some((k) => k.where === where && k.module === module && k.index === index);
  const phoneKeys = caps?.phoneKeys ?? 24;
  for (let index = 1; index <= phoneKeys; index++) if (!taken('phone', null, index)) return { where: 'phone', module: null, index, type: 'blf', value: '', label: '', account: 1 };
  for (let module = 1; module <= device.expansionModules; module++) {
    for (let index = 1; index <= (caps?.keysPerModule ?? 40); index++) if (!taken('module', module, index)) return { where: 'module', module, index, type: 'blf', value: '', label: '', account: 1 };
  }
  return { where: 'phone', module: null, index: phoneKeys + 1, type: 'blf', value: '', label: '', account: 1 };
}

/**
 * A phone's programmable keys (BLF, speed dial, park, line) on the phone and its expansion
 * modules; saved all at once (`PUT …/keys`), each refused key's error shown on its row.
 */
export function KeysEditor(props: { device: Device; canEdit: boolean; onSaved: (device: Device) => void }) {
  const { device } = props;
  const [keys, setKeys] = useState<ProgrammableKey[]>(device.keys);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const types = device.capabilities?.keyTypes ?? ALL_TYPES;
  const update = (index: number, change: Partial<ProgrammableKey>) => setKeys(keys.map((key, i) => (i === index ? { ...key, ...change } : key)));
  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setMessage(null);
    try {
      const saved = await http.put<Device>(`${PROVISIONING_API}/devices/${device.id}/keys`, { keys });
      setKeys(saved.keys);
      setMessage({ kind: 'success', text: t('phones.keysSaved') });
      props.onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fields);
      setMessage({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  const rowError = (index: number) =>
    Object.entries(errors)
      .filter(([field]) => field === `keys.${index}` || field.startsWith(`keys.${index}.`))
      .map(([field, text]) => `${field.split('.').slice(2).join('.') || t('phones.key')}: ${text}`)
      .join(' ');
  return (
    <form class="stack" onSubmit={save} noValidate data-testid="keys-editor">
      {keys.length === 0 && <p class="muted">{t('phones.noKeys')}</p>}
      {keys.length > 0 && (
        <DataTable
          class="keys"
          columns={[t('phones.keyPosition'), t('phones.keyType'), t('phones.keyValue'), t('phones.keyLabel'), t('phones.keyAccount')]}
          actions={props.canEdit}
        >
          {keys.map((key, index) => {
            const error = rowError(index);
            const name = `${key.where === 'phone' ? t('phones.onPhone') : t('phones.onModule', { n: key.module ?? 1 })} ${key.index}`;
            return (
              <tr key={index} class={error ? 'has-error' : undefined}>
                <td data-label={t('phones.keyPosition')}>
                  {props.canEdit ? (
                    <span class="inline-form" style={{ flexWrap: 'nowrap' }}>
                      <select aria-label={`${t('phones.keyWhere')} ${index + 1}`} value={key.where === 'phone' ? 'phone' : `module-${key.module ?? 1}`} onChange={(e) => {
                        const value = (e.currentTarget as HTMLSelectElement).value;
                        update(index, value === 'phone' ? { where: 'phone', module: null } : { where: 'module', module: Number(value.slice(7)) });
                      }}>
                        <option value="phone">{t('phones.onPhone')}</option>
                        {Array.from({ length: device.expansionModules }, (_, i) => (
                          <option key={i} value={`module-${i + 1}`}>
                            {t('phones.onModule', { n: i + 1 })}
                          </option>
                        ))}
                      </select>
                      <input aria-label={`${t('phones.keyIndex')} ${index + 1}`} type="number" min={1} max={200} value={key.index} style={{ width: '5rem' }} onInput={(e) => update(index, { index: Number((e.currentTarget as HTMLInputElement).value) })} />
                    </span>
                  ) : (
                    name
                  )}
                  {error && <p class="field-error">{error}</p>}
                </td>
                <td data-label={t('phones.keyType')}>
                  {props.canEdit ? (
                    <select aria-label={`${t('phones.keyType')} ${name}`} style={{ minWidth: '11rem' }} value={key.type} onChange={(e) => update(index, { type: (e.currentTarget as HTMLSelectElement).value as KeyType })}>
                      {types.map((type) => (
                        <option key={type} value={type}>
                          {t(`phones.keyType.${type}`)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    t(`phones.keyType.${key.type}`)
                  )}
                </td>
                <td data-label={t('phones.keyValue')}>
                  {props.canEdit ? <input aria-label={`${t('phones.keyValue')} ${name}`} style={{ minWidth: '7rem' }} inputMode="tel" value={key.value} maxLength={32} disabled={key.type === 'line'} onInput={(e) => update(index, { value: (e.currentTarget as HTMLInputElement).value })} /> : key.value}
                </td>
                <td data-label={t('phones.keyLabel')}>
                  {props.canEdit ? <input aria-label={`${t('phones.keyLabel')} ${name}`} style={{ minWidth: '9rem' }} value={key.label} maxLength={32} onInput={(e) => update(index, { label: (e.currentTarget as HTMLInputElement).value })} /> : key.label}
                </td>
                <td data-label={t('phones.keyAccount')}>
                  {props.canEdit ? (
                    <input aria-label={`${t('phones.keyAccount')} ${name}`} type="number" min={1} max={device.capabilities?.accounts ?? 16} value={key.account} style={{ width: '4rem' }} onInput={(e) => update(index, { account: Number((e.currentTarget as HTMLInputElement).value) })} />
                  ) : (
                    key.account
                  )}
                </td>
                {props.canEdit && (
                  <td class="actions">
                    <button type="button" class="danger" onClick={() => setKeys(keys.filter((_, i) => i !== index))} aria-label={t('tel.removeItem', { name })}>
                      ×
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </DataTable>
      )}
      {message && (
        <p class={message.kind === 'error' ? 'form-error' : 'form-notice'} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {props.canEdit && (
        <div class="form-actions">
          <button type="button" onClick={() => setKeys([...keys, nextKey(keys, device)])}>
            {t('phones.addKey')}
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {t('phones.saveKeys')}
          </button>
        </div>
      )}
    </form>
  );
}
