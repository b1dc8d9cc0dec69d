import { fieldStrings } from './field-strings';

/** Strings of the audit log page (what changed, described actions); `fr` is typed against `en`. */
const en = {
  'audit.fromTime': 'Start time',
  'audit.toTime': 'End time',
  'audit.timeHint': 'Times are optional, 24-hour, in your time zone ({zone}): without one, a day counts from its first minute to its last.',
  'audit.showChanges': 'Show {count} changes',
  'audit.showChanges.one': 'Show 1 change',
  'audit.hideChanges': 'Hide changes',
  'audit.field': 'Field',
  'audit.before': 'Before',
  'audit.after': 'After',
  'audit.kind.created': 'Created with these values',
  'audit.kind.updated': 'Changed fields',
  'audit.kind.deleted': 'Deleted; it had these values',
  'audit.secretChanged': 'changed (hidden)',
  'audit.secretSet': 'set (hidden)',
  'audit.noValue': '(none)',
  'audit.emptyText': '(empty)',
  'audit.truncated': 'More fields changed than are kept here.',
  'audit.actionKey': 'Key for integrators: {key}',
  'audit.actionPick': 'Actions',
  'audit.added': 'Added: {items}',
  'audit.removed': 'Removed: {items}',
};

const fr: Record<keyof typeof en, string> = {
  'audit.fromTime': 'Heure de début',
  'audit.toTime': 'Heure de fin',
  'audit.timeHint': 'Heures facultatives, sur 24 heures, dans votre fuseau horaire ({zone}) : sans heure, un jour compte de sa première minute à sa dernière.',
  'audit.showChanges': 'Voir les {count} modifications',
  'audit.showChanges.one': 'Voir la modification',
  'audit.hideChanges': 'Masquer les modifications',
  'audit.field': 'Champ',
  'audit.before': 'Avant',
  'audit.after': 'Après',
  'audit.kind.created': 'Créé avec ces valeurs',
  'audit.kind.updated': 'Champs modifiés',
  'audit.kind.deleted': 'Supprimé ; ses valeurs étaient',
  'audit.secretChanged': 'modifié (masqué)',
  'audit.secretSet': 'défini (masqué)',
  'audit.noValue': '(aucune)',
  'audit.emptyText': '(vide)',
  'audit.truncated': 'D’autres champs ont changé mais ne sont pas conservés ici.',
  'audit.actionKey': 'Clé pour les intégrateurs : {key}',
  'audit.actionPick': 'Actions',
  'audit.added': 'Ajouté : {items}',
  'audit.removed': 'Retiré : {items}',
};

export const strings = { en: { ...en, ...fieldStrings.en }, fr: { ...fr, ...fieldStrings.fr } };
