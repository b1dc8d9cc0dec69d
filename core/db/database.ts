import fs from 'node:fs';
import path from 'node:path';
import { Sequelize, type Options } from 'sequelize';
import type { Logger } from '../logging/logger';
import { mariadbForSequelize } from './mariadb-driver';

export type Dialect = 'sqlite' | 'mariadb';

export interface DatabaseInfo {
  dialect: Dialect;
  /** A printable location with no password: a file path or host:port/database. */
  location: string;
}

export function describeDatabaseUrl(url: string): DatabaseInfo {
  if (url.startsWith('sqlite:')) return { dialect: 'sqlite', location: sqliteFile(url) };
  const parsed = new URL(url);
  return { dialect: 'mariadb', location: `${parsed.hostname}:${parsed.port || 3306}${parsed.pathname}` };
}

function sqliteFile(url: string): string {
  // Accept sqlite:/abs/path, sqlite:///abs/path and sqlite:relative/path.
  const rest = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  return path.resolve(rest);
}

export function createSequelize(url: string, options: { poolMax: number; logSql: boolean; logger: Logger }): Sequelize {
  const logging: Options['logging'] = options.logSql ? (sql: string) => options.logger.debug({ sql }, 'sql') : false;
  const common: Options = { logging, define: { underscored: true, timestamps: false }, benchmark: false };
  if (url.startsWith('sqlite:')) {
    const storage = sqliteFile(url);
    fs.mkdirSync(path.dirname(storage), { recursive: true });
    return new Sequelize({ ...common, dialect: 'sqlite', storage, retry: { max: 5 }, pool: { max: 1, min: 0 } });
  }
  const parsed = new URL(url);
  return new Sequelize({
    ...common,
    dialect: 'mariadb',
    dialectModule: mariadbForSequelize,
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    pool: { max: options.poolMax, min: 0, idle: 10_000 },
    dialectOptions: { connectTimeout: 5000 },
    timezone: '+00:00',
  });
}

/** Makes SQLite behave like the appliance database where it matters: foreign keys, concurrency. */
export async function prepareConnection(sequelize: Sequelize): Promise<void> {
  if (sequelize.getDialect() === 'sqlite') {
    await sequelize.query('PRAGMA journal_mode = WAL');
    await sequelize.query('PRAGMA foreign_keys = ON');
    await sequelize.query('PRAGMA busy_timeout = 5000');
  } else {
    await sequelize.authenticate();
  }
}
