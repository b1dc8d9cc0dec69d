import { matchColumns, type ColumnMatch, type ImportColumn } from '../../../../core/plugin-api';
import type { NumberType } from '../../types';

export type CsvField =
  | 'key' | 'lastName' | 'firstName' | 'company' | 'jobTitle' | 'folder'
  | NumberType | 'defaultNumber' | 'emails'
  | 'street' | 'postalCode' | 'city' | 'country' | 'notes' | 'user' | 'extension' | 'source';

export type CsvLanguage = 'fr' | 'en';

interface ColumnDefinition {
  field: CsvField;
  fr: string;
  en: string;
  /** Other names people give this column (matched folded, without spaces or punctuation). */
  aliases: string[];
}

/** The template's columns, in the template's order, with their French and English headers. */
export const COLUMNS: ColumnDefinition[] = [
  { field: 'key', fr: 'Clé unique', en: 'Unique key', aliases: ['clef unique', 'cle', 'clef', 'key', 'id', 'identifiant'] },
  { field: 'lastName', fr: 'Nom', en: 'Last name', aliases: ['nom de famille', 'surname', 'family name', 'lastname'] },
  { field: 'firstName', fr: 'Prénom', en: 'First name', aliases: ['given name', 'firstname'] },
  { field: 'company', fr: 'Société', en: 'Company', aliases: ['entreprise', 'organisation', 'organization'] },
  { field: 'jobTitle', fr: 'Fonction', en: 'Job title', aliases: ['poste occupe', 'titre', 'title'] },
  { field: 'folder', fr: 'Dossier', en: 'Folder', aliases: ['repertoire', 'groupe', 'group'] },
  { field: 'work', fr: 'Tél. bureau', en: 'Work phone', aliases: ['telephone bureau', 'telephone professionnel', 'tel pro', 'bureau', 'work', 'business phone'] },
  { field: 'mobile', fr: 'Tél. mobile', en: 'Mobile phone', aliases: ['mobile', 'portable', 'tel portable', 'telephone mobile', 'cell', 'cell phone'] },
  { field: 'home', fr: 'Tél. domicile', en: 'Home phone', aliases: ['domicile', 'telephone domicile', 'home'] },
  { field: 'fax', fr: 'Fax', en: 'Fax', aliases: ['telecopie', 'fax number'] },
  { field: 'other', fr: 'Autre tél.', en: 'Other phone', aliases: ['autre', 'autre telephone', 'other'] },
  { field: 'defaultNumber', fr: 'Numéro par défaut', en: 'Default number', aliases: ['numero principal', 'default', 'main number', 'primary number'] },
  { field: 'emails', fr: 'E-mails', en: 'E-mails', aliases: ['email', 'e-mail', 'mail', 'courriel', 'courriels', 'adresse e-mail'] },
  { field: 'street', fr: 'Adresse', en: 'Address', aliases: ['rue', 'street', 'adresse postale'] },
  { field: 'postalCode', fr: 'Code postal', en: 'Postal code', aliases: ['cp', 'zip', 'zip code', 'postcode'] },
  { field: 'city', fr: 'Ville', en: 'City', aliases: ['commune', 'town'] },
  { field: 'country', fr: 'Pays', en: 'Country', aliases: [] },
  { field: 'notes', fr: 'Notes', en: 'Notes', aliases: ['remarques', 'commentaire', 'commentaires', 'comments'] },
  { field: 'user', fr: 'Utilisateur Carillon', en: 'Carillon user', aliases: ['utilisateur', 'user', 'user email'] },
  { field: 'extension', fr: 'Poste interne', en: 'Extension', aliases: ['poste', 'ext'] },
  { field: 'source', fr: 'Origine', en: 'Source', aliases: [] },
];

export const REQUIRED_FIELDS: CsvField[] = ['lastName', 'firstName'];

/** The columns as the shared import facility matches them: French and English headers are aliases. */
const IMPORT_COLUMNS: Array<ImportColumn<CsvField>> = COLUMNS.map((c) => ({ key: c.field, aliases: [c.fr, c.en, ...c.aliases] }));

export function headers(language: CsvLanguage): string[] {
  return COLUMNS.map((c) => c[language]);
}

export function label(field: CsvField, language: CsvLanguage): string {
  return COLUMNS.find((c) => c.field === field)![language];
}

export type HeaderMatch = ColumnMatch<CsvField>;

/** Matches a header row to fields by name, in any order, French or English. */
export function matchHeader(row: string[]): HeaderMatch {
  return matchColumns(row, IMPORT_COLUMNS, REQUIRED_FIELDS);
}
