import { addStrings, englishString, hasString, t } from './i18n';

/**
 * Words for the identifiers Carillon seeds (built-in roles, default call restrictions): the
 * server keeps a stable key (`manager`, `no_premium`) and an English description; people read a
 * label and a description in their language. A description an administrator rewrote is shown as
 * written; a role or restriction they created shows its own name.
 */
export const strings = {
  en: {
    'role.name.admin': 'Administrator',
    'role.name.manager': 'Manager',
    'role.name.supervisor': 'Supervisor',
    'role.name.agent': 'Agent',
    'role.name.accountant': 'Accountant',
    'role.name.technician': 'Technician',
    // The seeded descriptions, word for word: a description still equal to one of these is the seed's.
    'role.description.admin': 'Full access, including users, roles and plugins',
    'role.description.manager': 'Runs the business: users, reports, call-centre management',
    'role.description.supervisor': 'Supervises agents and live calls',
    'role.description.agent': 'Handles calls',
    'role.description.accountant': 'Billing, invoices and call costs',
    'role.description.technician': 'Telephony, phones and system health',
    'restriction.name.unrestricted': 'Unrestricted',
    'restriction.name.no_premium': 'No surcharged numbers',
    'restriction.name.national': 'National only',
    'restriction.name.internal': 'Internal only',
    'restriction.description.unrestricted': 'Every number',
    'restriction.description.no_premium': 'International allowed; no surcharged numbers (081, 082, 089, 118XYZ, 10YT, 3BPQ other than free ones)',
    'restriction.description.national': 'France only (0…, +33, 0033), no surcharged numbers',
    'restriction.description.internal': 'Internal numbers and emergency services only',
  },
  fr: {
    'role.name.admin': 'Administrateur',
    'role.name.manager': 'Responsable',
    'role.name.supervisor': 'Superviseur',
    'role.name.agent': 'Agent',
    'role.name.accountant': 'Comptable',
    'role.name.technician': 'Technicien',
    'role.description.admin': 'Accès complet, utilisateurs, rôles et plugins compris',
    'role.description.manager': 'Pilote l’activité : utilisateurs, rapports, gestion du centre d’appels',
    'role.description.supervisor': 'Supervise les agents et les appels en cours',
    'role.description.agent': 'Traite les appels',
    'role.description.accountant': 'Facturation, factures et coût des appels',
    'role.description.technician': 'Téléphonie, téléphones et état du système',
    'restriction.name.unrestricted': 'Sans restriction',
    'restriction.name.no_premium': 'Sans numéros surtaxés',
    'restriction.name.national': 'France uniquement',
    'restriction.name.internal': 'Interne uniquement',
    'restriction.description.unrestricted': 'Tous les numéros',
    'restriction.description.no_premium': 'International autorisé ; pas de numéros surtaxés (081, 082, 089, 118XYZ, 10YT, 3BPQ hors numéros gratuits)',
    'restriction.description.national': 'France seulement (0…, +33, 0033), sans numéros surtaxés',
    'restriction.description.internal': 'Numéros internes et services d’urgence seulement',
  },
};
addStrings(strings);

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
