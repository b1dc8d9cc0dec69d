import { QueryTypes, type Sequelize } from 'sequelize';
import { likePattern, LIKE_ESCAPE_CLAUSE, Op } from '../../../core/plugin-api';
import type { DirectoryModels } from '../models';
import type { NumberDisplay } from '../types';
import { draftOf, numbersOf, type ContactRecord } from './contact-rows';
import { numberViews, type NumberView } from './contact-service';
import type { DirectorySettings } from './directory-settings';
import { isPhoneQuery, type PhoneNumbers } from './phone-numbers';
import { words } from './text-folding';

export interface SearchQuery {
  q?: string;
  folderId?: number | null;
  limit: number;
  offset: number;
}

export interface ContactSummary {
  key: string;
  displayName: string;
  firstName: string;
  lastName: string;
  company: string | null;
  folderId: number | null;
  source: string;
  defaultNumber: string | null;
  numbers: NumberView[];
}

/**
 * The terms a query must all match, each as an index prefix: words of names and companies, and
 * numbers reduced to their national digits whatever their format ("+33 1 23", "01 23", "0033123").
 */
export function queryTerms(q: string, phones: PhoneNumbers): string[] | null {
  const text = q.trim();
  if (!text) return [];
  const terms = isPhoneQuery(text) ? [phones.searchDigits(text)] : [...new Set(words(text).map((w) => (/^\d+$/.test(w) ? phones.searchDigits(w) : w)))];
  const searchable = terms.filter(Boolean);
  // A query with nothing searchable ("%", "+") matches nothing, rather than everything.
  return searchable.length ? searchable.slice(0, 8) : null;
}

/**
 * Search across name, company and every number, paged. Each query term is a prefix range of the
 * search-terms index, which is ordered by (word, sort name): the rarest term's range is read in
 * index order, the other terms are checked among the contact's own terms, and reading stops as
 * soon as the page is full, however many contacts match. Results come grouped by the word they
 * matched ("mar": every Marie, then every Martin), by name within each word.
 */
export class ContactSearchService {
  constructor(
    private readonly models: DirectoryModels,
    private readonly settings: DirectorySettings,
    /** Matches counted per term to pick the rarest one (beyond this, terms are equally broad). */
    private readonly countCap = 1000,
  ) {}

  private get sequelize(): Sequelize {
    return this.models.Contact.sequelize!;
  }

  private tables() {
    const contacts = this.models.Contact.getTableName() as string;
    return { contacts, terms: contacts.replace(/contacts$/, 'search_terms') };
  }

  async search(query: SearchQuery, display: NumberDisplay): Promise<{ items: ContactSummary[]; hasMore: boolean }> {
    const phones = await this.settings.phoneNumbers();
    const terms = queryTerms(query.q ?? '', phones);
    const ids = terms === null ? [] : terms.length ? await this.matchingIds(terms, query) : await this.listedIds(query);
    const hasMore = ids.length > query.limit;
    const page = ids.slice(0, query.limit);
    const rows = page.length
      ? ((await this.models.Contact.findAll({ where: { id: { [Op.in]: page } }, raw: true })) as unknown as ContactRecord[])
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const numbers = await numbersOf(this.models, page);
    const items = page.filter((id) => byId.has(id)).map((id) => {
      const row = byId.get(id)!;
      const draft = draftOf(row, numbers.get(row.id) ?? []);
      const views = numberViews(draft.numbers, phones, display);
      return {
        key: row.contactKey,
        displayName: `${row.firstName} ${row.lastName}`,
        firstName: row.firstName,
        lastName: row.lastName,
        company: row.company,
        folderId: row.folderId,
        source: row.source,
        defaultNumber: views.find((n) => n.isDefault)?.display ?? null,
        numbers: views,
      };
    });
    return { items, hasMore };
  }

  private folderCondition(query: SearchQuery, alias: string, replacements: Record<string, unknown>): string[] {
    if (query.folderId === undefined) return [];
    replacements.folderId = query.folderId;
    return [query.folderId === null ? `${alias}.folder_id IS NULL` : `${alias}.folder_id = :folderId`];
  }

  /** Without a query: contacts in name order, on the contacts' sort index. */
  private async listedIds(query: SearchQuery): Promise<number[]> {
    const { contacts } = this.tables();
    const replacements: Record<string, unknown> = { limit: query.limit + 1, offset: query.offset };
    const where = this.folderCondition(query, 'c', replacements);
    const rows = await this.sequelize.query<{ id: number }>(
      `SELECT c.id FROM ${contacts} c ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.sort_name, c.id LIMIT :limit OFFSET :offset`,
      { replacements, type: QueryTypes.SELECT },
    );
    return rows.map((r) => Number(r.id));
  }

  /** The page's contact ids (plus one, to tell whether more follow), read in index order. */
  private async matchingIds(terms: string[], query: SearchQuery): Promise<number[]> {
    const { contacts, terms: termsTable } = this.tables();
    const ranked = terms.length > 1 ? await this.rarestFirst(terms) : terms;
    const replacements: Record<string, unknown> = {};
    ranked.forEach((term, i) => (replacements[`term${i}`] = likePattern(term, 'prefix')));
    // A correlated subquery with LIMIT is never turned into a semi-join that would scan every term.
    const others = ranked.slice(1).map(
      (_term, j) => `(SELECT 1 FROM ${termsTable} m${j} WHERE m${j}.contact_id = t0.contact_id AND m${j}.term LIKE :term${j + 1} ${LIKE_ESCAPE_CLAUSE} LIMIT 1) IS NOT NULL`,
    );
    const where = [`t0.term LIKE :term0 ${LIKE_ESCAPE_CLAUSE}`, ...this.folderCondition(query, 'c', replacements), ...others];
    const join = query.folderId === undefined ? '' : `JOIN ${contacts} c ON c.id = t0.contact_id`;
    const sql = `SELECT t0.contact_id AS id FROM ${termsTable} t0 ${join} WHERE ${where.join(' AND ')} ORDER BY t0.term, t0.sort_name, t0.contact_id LIMIT :take OFFSET :skip`;

    // A contact may match through two words ("Marie Martin" for "mar"): read on until enough distinct ones.
    const wanted = query.offset + query.limit + 1;
    const seen = new Set<number>();
    const ordered: number[] = [];
    for (let skip = 0, take = wanted + 16; ; skip += take, take *= 2) {
      const rows = await this.sequelize.query<{ id: number }>(sql, { replacements: { ...replacements, take, skip }, type: QueryTypes.SELECT });
      for (const row of rows) {
        const id = Number(row.id);
        if (!seen.has(id)) {
          seen.add(id);
          ordered.push(id);
        }
      }
      if (ordered.length >= wanted || rows.length < take) break;
    }
    return ordered.slice(query.offset, wanted);
  }

  /** The terms, the one with the fewest matches first (counted up to a cap, so counting stays cheap). */
  private async rarestFirst(terms: string[]): Promise<string[]> {
    const { terms: termsTable } = this.tables();
    const counted: Array<{ term: string; matches: number }> = [];
    for (const term of terms) {
      const [row] = await this.sequelize.query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${termsTable} WHERE term LIKE :prefix ${LIKE_ESCAPE_CLAUSE} LIMIT ${this.countCap}) AS capped`,
        { replacements: { prefix: likePattern(term, 'prefix') }, type: QueryTypes.SELECT },
      );
      counted.push({ term, matches: Number(row.n) });
    }
    return counted.sort((a, b) => a.matches - b.matches).map((c) => c.term);
  }
}

function camelRecord(raw: Record<string, unknown>): ContactRecord {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) out[key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())] = value;
  return out as unknown as ContactRecord;
}
