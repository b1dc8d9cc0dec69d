import { hasString, t } from '../../lib/i18n';

/** As the API gives it: the masked field-by-field difference of an audited change. */
export interface AuditChanges {
  kind: 'created' | 'updated' | 'deleted';
  fields: Array<{ field: string; before?: unknown; after?: unknown; secret?: true }>;
  truncated?: true;
}

/** A value as a person reads it: yes/no, lists joined, nothing shown as "(none)". */
function show(value: unknown): string {
  if (value === undefined || value === null) return t('audit.noValue');
  if (value === '') return t('audit.emptyText');
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (Array.isArray(value)) return value.length ? value.map((item) => (item !== null && typeof item === 'object' ? JSON.stringify(item) : show(item))).join(', ') : t('audit.noValue');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const scalar = (value: unknown) => value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** For two lists of plain values (roles, permissions, members): what was added and removed. */
function listDelta(before: unknown, after: unknown): { added: unknown[]; removed: unknown[] } | null {
  if (!Array.isArray(before) || !Array.isArray(after) || !before.every(scalar) || !after.every(scalar)) return null;
  return { added: after.filter((v) => !before.includes(v)), removed: before.filter((v) => !after.includes(v)) };
}

/** The field's name for people (`auditField.<path>`, then its last segment), or null: show the API name. */
function fieldLabel(field: string): string | null {
  const last = field.split('.').pop()!;
  for (const key of [`auditField.${field}`, `auditField.${last}`]) if (hasString(key)) return t(key);
  return null;
}

/**
 * What an audited change did: for an update, each changed field before and after; for a create
 * or a delete, the values it was created with or had. Secrets only say that they changed.
 */
export function ChangesTable(props: { id: number; changes: AuditChanges }) {
  const { kind, fields } = props.changes;
  const both = kind === 'updated';
  return (
    <div class="audit-changes" data-testid={`audit-changes-${props.id}`}>
      <table class="diff">
        <caption>{t(`audit.kind.${kind}`)}</caption>
        <thead>
          <tr>
            <th scope="col">{t('audit.field')}</th>
            {kind !== 'created' && <th scope="col">{t('audit.before')}</th>}
            {kind !== 'deleted' && <th scope="col">{t('audit.after')}</th>}
          </tr>
        </thead>
        <tbody>
          {fields.map((change) => (
            <tr key={change.field} class={change.secret ? 'diff-secret' : undefined}>
              <th scope="row">
                <FieldName field={change.field} />
              </th>
              {change.secret ? (
                <td colSpan={both ? 2 : 1}>
                  <em>{kind === 'created' ? t('audit.secretSet') : t('audit.secretChanged')}</em>
                </td>
              ) : (
                <>
                  {kind !== 'created' && <td class="diff-before">{show(change.before)}</td>}
                  {kind !== 'deleted' && (
                    <td class="diff-after">
                      {show(change.after)}
                      <ListDelta before={change.before} after={change.after} />
                    </td>
                  )}
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {props.changes.truncated && <p class="hint">{t('audit.truncated')}</p>}
    </div>
  );
}

/** The name people read, with the API name underneath for integrators (or only the API name when it has no label). */
function FieldName(props: { field: string }) {
  const label = fieldLabel(props.field);
  if (!label) return <code>{props.field}</code>;
  return (
    <>
      <span class="audit-field">{label}</span>
      <br />
      <code class="muted audit-field-key">{props.field}</code>
    </>
  );
}

/** Under a changed list, what it gained and lost: easier to read than two long lists. */
function ListDelta(props: { before: unknown; after: unknown }) {
  const delta = listDelta(props.before, props.after);
  if (!delta || (!delta.added.length && !delta.removed.length)) return null;
  return (
    <p class="hint list-delta">
      {delta.added.length > 0 && <span class="delta-added">{t('audit.added', { items: delta.added.map(show).join(', ') })}</span>}
      {delta.added.length > 0 && delta.removed.length > 0 && ' · '}
      {delta.removed.length > 0 && <span class="delta-removed">{t('audit.removed', { items: delta.removed.map(show).join(', ') })}</span>}
    </p>
  );
}
