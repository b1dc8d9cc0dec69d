import { CsvFileError, readCsvFile, type CsvFormat } from '../../../../core/plugin-api';
import type { ContactDraft } from '../../types';
import { contentHash } from '../contact-writer';
import type { FolderTree } from '../folder-tree';
import { label, matchHeader, type HeaderMatch } from './columns';
import { validateRow, type CsvContact, type RowContext, type RowError } from './row-validator';

/** `sync` is the seed's import; `restore` replays a backup, recreating deleted contacts under their old keys. */
export type SyncMode = 'sync' | 'restore';

export interface ExistingContact {
  id: number;
  folderId: number | null;
  hash: string;
  ldap: boolean;
}

export type RowDecision =
  | { action: 'create'; contact: CsvContact; key: string | null }
  | { action: 'update'; contact: CsvContact; id: number; key: string }
  | { action: 'unchanged' | 'readOnly' };

export interface ScanResult {
  header: HeaderMatch;
  rows: number;
  rowsWithErrors: number;
  /** Ids of local contacts the file no longer lists. */
  deletedIds: number[];
  newFolders: Set<string>;
  counts: { created: number; updated: number; unchanged: number; readOnly: number };
}

const KEY_FORMAT = /^[0-9a-z]{4,16}$/;

export interface ScanInput {
  file: string;
  format: CsvFormat;
  mode: SyncMode;
  rowContext: Omit<RowContext, 'header'>;
  existing: Map<string, ExistingContact>;
  folders: FolderTree;
  onRowError: (error: RowError) => void;
  onDecision?: (decision: RowDecision) => Promise<void>;
  onProgress?: (rows: number) => void;
}

/**
 * Reads a CSV file once and decides, row by row, what the synchronisation does: a known key
 * updates (or leaves unchanged) its contact, no key creates one, a key the directory does not
 * know is an error (in restore mode it recreates the contact), and every local contact the file
 * does not list is deleted. LDAP contacts are read-only: their rows are skipped, never deleted.
 * The plan and the apply both run this, so they cannot disagree.
 */
export async function scanSyncFile(input: ScanInput): Promise<ScanResult> {
  const records = readCsvFile(input.file, input.format);
  const first = await records.next();
  if (first.done) throw new CsvFileError('csv_no_header', 'The file has no header row.');
  const header = matchHeader(first.value.values);
  if (header.missing.length) {
    const names = header.missing.map((f) => `"${label(f, 'fr')}" / "${label(f, 'en')}"`).join(', ');
    throw new CsvFileError('csv_missing_columns', `The header lacks the required column(s) ${names}.`, first.value.line);
  }
  if (header.duplicates.length) {
    throw new CsvFileError('csv_duplicate_columns', `These columns appear twice: ${header.duplicates.map((d) => `"${d}"`).join(', ')}.`, first.value.line);
  }
  const rowContext: RowContext = { ...input.rowContext, header };
  const seen = new Map<string, number>();
  const result: ScanResult = {
    header, rows: 0, rowsWithErrors: 0, deletedIds: [], newFolders: new Set(),
    counts: { created: 0, updated: 0, unchanged: 0, readOnly: 0 },
  };
  const keyColumn = header.names.get('key') ?? 'key';

  for await (const record of records) {
    result.rows++;
    if (result.rows % 1000 === 0) input.onProgress?.(result.rows);
    const { contact, errors } = validateRow(record.values, record.line, rowContext);
    let decision: RowDecision | null = null;
    if (contact?.key) {
      const firstLine = seen.get(contact.key);
      if (firstLine !== undefined) {
        errors.push({ line: record.line, column: keyColumn, field: 'key', code: 'duplicate_key', message: `The key "${contact.key}" is already on line ${firstLine}.` });
      } else {
        seen.set(contact.key, record.line);
        decision = decide(contact, input);
        if (!decision) {
          const message = input.mode === 'restore'
            ? `"${contact.key}" is not a valid unique key.`
            : `No contact has the key "${contact.key}": leave the key empty to create a contact.`;
          errors.push({ line: record.line, column: keyColumn, field: 'key', code: 'unknown_key', message });
        }
      }
    } else if (contact) {
      decision = { action: 'create', contact, key: null };
    }
    if (errors.length) {
      result.rowsWithErrors++;
      for (const error of errors) input.onRowError(error);
      continue;
    }
    if (!decision) continue;
    if (decision.action === 'create' || decision.action === 'update') noteNewFolders(decision.contact.folderPath, input.folders, result.newFolders);
    if (decision.action === 'create') result.counts.created++;
    else if (decision.action === 'update') result.counts.updated++;
    else result.counts[decision.action]++;
    await input.onDecision?.(decision);
  }
  for (const [key, existing] of input.existing) if (!existing.ldap && !seen.has(key)) result.deletedIds.push(existing.id);
  return result;
}

function decide(contact: CsvContact, input: ScanInput): RowDecision | null {
  const key = contact.key!;
  const existing = input.existing.get(key);
  if (existing) {
    if (existing.ldap || contact.fromLdap) return { action: 'readOnly' };
    // A folder still to be created (undefined) cannot be where the contact is now: that is a change.
    const sameFolder = input.folders.idOf(contact.folderPath) === existing.folderId;
    const draft: ContactDraft = { ...contact.draft, folderId: existing.folderId };
    return sameFolder && contentHash(draft) === existing.hash ? { action: 'unchanged' } : { action: 'update', contact, id: existing.id, key };
  }
  if (contact.fromLdap) return { action: 'readOnly' };
  if (input.mode === 'restore' && KEY_FORMAT.test(key)) return { action: 'create', contact, key };
  return null;
}

function noteNewFolders(path: string[], folders: FolderTree, into: Set<string>): void {
  for (let depth = 1; depth <= path.length; depth++) {
    const prefix = path.slice(0, depth);
    if (folders.idOf(prefix) === undefined) into.add(prefix.join('/'));
  }
}
