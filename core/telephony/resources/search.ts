import { Op, type ModelStatic, type Model, type WhereOptions } from 'sequelize';
import { likeValue } from '../../db/like';

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
export function searchWhere(model: ModelStatic<Model>, columns: string[], search: string | undefined): WhereOptions {
  if (!search) return {};
  const pattern = likeValue(model.sequelize!, search);
  return { [Op.or]: columns.map((column) => ({ [column]: { [Op.like]: pattern } })) };
}
