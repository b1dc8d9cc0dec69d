import { englishString, hasString, t } from './i18n';

/**
 * Words for the identifiers Carillon seeds (built-in roles, default call restrictions): the
 * server keeps a stable key (`manager`, `no_premium`) and an English description; people read a
 * label and a description in their language. A description an administrator rewrote is shown as
 * written; a role or restriction they created shows its own name.
 */

type Kind = 'role' | 'restriction';

/** A seeded key's label ("Administrateur" for `admin`); any other name as it is. */
export function keyLabel(kind: Kind, name: string): string {
  const key = `${kind}.name.${name}`;
  return hasString(key) ? t(key) : name;
}

/** A seeded description in the reader's language while it is still the seed's; a rewritten one as written. */
export function keyDescription(kind: Kind, name: string, description: string | null | undefined): string {
  const key = `${kind}.description.${name}`;
  return description && englishString(key) === description ? t(key) : (description ?? '');
}

export const roleLabel = (name: string) => keyLabel('role', name);
export const roleDescription = (name: string, description: string | null | undefined) => keyDescription('role', name, description);
export const restrictionLabel = (name: string) => keyLabel('restriction', name);
export const restrictionDescription = (name: string, description: string | null | undefined) => keyDescription('restriction', name, description);

/**
 * The choices of a restriction-class select: each class by its label and what it allows, in the
 * UI's language, plus the current value when the list does not hold it (a class since deleted).
 */
export function restrictionOptions(classes: Array<{ name: string; description: string | null }>, current: string): Array<{ value: string; label: string }> {
  const options = classes.map((c) => ({ value: c.name, label: c.description ? `${restrictionLabel(c.name)} · ${restrictionDescription(c.name, c.description)}` : restrictionLabel(c.name) }));
  if (!options.some((o) => o.value === current)) options.unshift({ value: current, label: restrictionLabel(current) });
  return options;
}
