import { Op, type WhereOptions } from 'sequelize';

export interface ListFilter {
  search?: string;
  limit: number;
  offset: number;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** A case-insensitive "contains" over a few columns (LIKE is case-insensitive on both dialects' defaults). */
export function searchWhere(columns: string[], search: string | undefined): WhereOptions {
  if (!search) return {};
  const escaped = search.replace(/[\\%_]/g, (c) => `\\${c}`);
  return { [Op.or]: columns.map((column) => ({ [column]: { [Op.like]: `%${escaped}%` } })) };
}
