import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import { Sequelize, Transaction, type Options } from 'sequelize';
import type { Logger } from '../logging/logger';
import { prepareSqliteFile } from '../security/private-files';
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
    prepareSqliteFile(storage);
    // IMMEDIATE: a transaction takes the write lock when it begins (waiting its turn), instead of
    // failing with SQLITE_BUSY when it upgrades a read to a write while another connection writes.
    const sequelize = new Sequelize({ ...common, dialect: 'sqlite', storage, retry: { max: 5 }, pool: { max: 1, min: 0 }, transactionType: Transaction.TYPES.IMMEDIATE });
    waitWhenBusy(sequelize);
    oneTransactionAtATime(sequelize);
    return sequelize;
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

const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Sequelize opens one SQLite connection per transaction, and a PRAGMA reaches only the connection
 * it runs on: without this, every transaction's connection would fail at once with SQLITE_BUSY
 * (a 500) whenever another connection is writing, instead of waiting its turn.
 */
function waitWhenBusy(sequelize: Sequelize): void {
  type SqliteConnection = { configure(option: 'busyTimeout', ms: number): void };
  const manager = sequelize.connectionManager as unknown as { getConnection(options?: object): Promise<SqliteConnection> };
  const open = manager.getConnection.bind(manager);
  const configured = new WeakSet<SqliteConnection>();
  manager.getConnection = async (options) => {
    const connection = await open(options);
    if (!configured.has(connection)) {
      connection.configure('busyTimeout', SQLITE_BUSY_TIMEOUT_MS);
      configured.add(connection);
    }
    return connection;
  };
}

/**
 * SQLite has one writer at a time. Transactions wait for each other here, in the event loop,
 * rather than in SQLite's busy handler, which holds one of libuv's four threads per waiting
 * connection: a handful of waiting transactions would starve the one holding the lock, and all
 * would fail with SQLITE_BUSY. A transaction opened inside another (same async context) runs at
 * once, as before.
 */
function oneTransactionAtATime(sequelize: Sequelize): void {
  const begin = sequelize.transaction.bind(sequelize) as (...args: unknown[]) => Promise<unknown>;
  const inside = new AsyncLocalStorage<true>();
  let queue: Promise<unknown> = Promise.resolve();
  (sequelize as unknown as { transaction: (...args: unknown[]) => Promise<unknown> }).transaction = (...args) => {
    if (!args.some((a) => typeof a === 'function') || inside.getStore()) return begin(...args);
    const turn = queue.then(() => inside.run(true, () => begin(...args)));
    queue = turn.catch(() => undefined);
    return turn;
  };
}

/** Makes SQLite behave like the appliance database where it matters: foreign keys, concurrency. */
export async function prepareConnection(sequelize: Sequelize): Promise<void> {
  if (sequelize.getDialect() === 'sqlite') {
    await sequelize.query('PRAGMA journal_mode = WAL');
    await sequelize.query('PRAGMA foreign_keys = ON');
  } else {
    await sequelize.authenticate();
  }
}
