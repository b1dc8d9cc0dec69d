import { literal, type Sequelize } from 'sequelize';

/**
 * LIKE searches that match what the person typed, literally: `%` finds a percent sign, `_` an
 * underscore. The escape character is `!`, named in an explicit ESCAPE clause: SQLite has no
 * default escape character, and MariaDB's default (backslash) also means something inside string
 * literals, so neither dialect's default could serve both.
 */
export const LIKE_ESCAPE = '!';

/** The text with LIKE's wildcards and the escape character escaped. */
export function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (c) => `${LIKE_ESCAPE}${c}`);
}

/** The pattern for values containing `text` (or starting with it), for a raw query's replacement. */
export function likePattern(text: string, match: 'contains' | 'prefix' = 'contains'): string {
  return match === 'contains' ? `%${escapeLike(text)}%` : `${escapeLike(text)}%`;
}

/** SQL to put after `column LIKE :name` in a raw query. */
export const LIKE_ESCAPE_CLAUSE = `ESCAPE '${LIKE_ESCAPE}'`;

/** A value for `{ [Op.like]: … }` in a model query: the pattern and its ESCAPE clause. */
export function likeValue(sequelize: Sequelize, text: string, match: 'contains' | 'prefix' = 'contains'): ReturnType<typeof literal> {
  return literal(`${sequelize.escape(likePattern(text, match))} ${LIKE_ESCAPE_CLAUSE}`);
}
