import type { NumberType } from '../../types';
import { fold } from '../text-folding';

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

function headerKey(header: string): string {
  return fold(header).replace(/[^a-z0-9]/g, '');
}

const BY_HEADER = new Map<string, CsvField>();
for (const column of COLUMNS) {
  for (const name of [column.fr, column.en, ...column.aliases]) BY_HEADER.set(headerKey(name), column.field);
}

export function headers(language: CsvLanguage): string[] {
  return COLUMNS.map((c) => c[language]);
}

export function label(field: CsvField, language: CsvLanguage): string {
  return COLUMNS.find((c) => c.field === field)![language];
}

export interface HeaderMatch {
  /** Position in the row of each recognised field. */
  positions: Map<CsvField, number>;
  /** The file's own header for each recognised field, to name columns in errors. */
  names: Map<CsvField, string>;
  ignored: string[];
  duplicates: string[];
  missing: CsvField[];
  /** Number of columns of the header row. */
  width: number;
}

/** Matches a header row to fields by name, in any order, French or English. */
export function matchHeader(row: string[]): HeaderMatch {
  const positions = new Map<CsvField, number>();
  const names = new Map<CsvField, string>();
  const ignored: string[] = [];
  const duplicates: string[] = [];
  row.forEach((raw, index) => {
    const header = raw.trim();
    const field = BY_HEADER.get(headerKey(header));
    if (!field) {
      ignored.push(header);
    } else if (positions.has(field)) {
      duplicates.push(header);
    } else {
      positions.set(field, index);
      names.set(field, header);
    }
  });
  const missing = REQUIRED_FIELDS.filter((f) => !positions.has(f));
  return { positions, names, ignored, duplicates, missing, width: row.length };
}
