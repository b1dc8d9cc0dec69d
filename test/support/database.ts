import mariadb from 'mariadb';

/** Where tests put their databases: MariaDB when reachable (as in CI), otherwise SQLite files. */
export interface TestDatabaseTarget {
  dialect: 'mariadb' | 'sqlite';
  description: string;
}

const MARIADB_URL = process.env.CARILLON_TEST_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306';
let target: Promise<TestDatabaseTarget> | undefined;
let counter = 0;

function adminConnection() {
  const url = new URL(MARIADB_URL);
  return mariadb.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    connectTimeout: 3000,
  });
}

export function testDatabaseTarget(): Promise<TestDatabaseTarget> {
  target ??= (async (): Promise<TestDatabaseTarget> => {
    if (process.env.CARILLON_TEST_DB === 'sqlite') return { dialect: 'sqlite', description: 'SQLite (CARILLON_TEST_DB=sqlite)' };
    try {
      const conn = await adminConnection();
      const [row] = (await conn.query('SELECT VERSION() AS v')) as Array<{ v: string }>;
      await conn.end();
      return { dialect: 'mariadb', description: `MariaDB ${row.v} at ${new URL(MARIADB_URL).host}` };
    } catch (err) {
      if (process.env.CARILLON_TEST_REQUIRE_MARIADB) {
        throw new Error(`MariaDB is required (CARILLON_TEST_REQUIRE_MARIADB) but not reachable at ${new URL(MARIADB_URL).host}: ${(err as Error).message}`);
      }
      return { dialect: 'sqlite', description: `SQLite (MariaDB not reachable: ${(err as Error).message})` };
    }
  })();
  return target;
}

export interface TestDatabase {
  url: string;
  dialect: 'mariadb' | 'sqlite';
  drop(): Promise<void>;
}

/** A fresh, empty database on the given dialect (default: the suite's target). */
export async function createTestDatabase(sqliteDir: string, dialect?: 'mariadb' | 'sqlite'): Promise<TestDatabase> {
  const chosen = dialect ?? (await testDatabaseTarget()).dialect;
  if (chosen === 'sqlite') return { url: `sqlite:${sqliteDir}/test.sqlite`, dialect: 'sqlite', drop: async () => {} };
  const name = `carillon_test_${process.pid}_${++counter}`;
  const conn = await adminConnection();
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const url = new URL(MARIADB_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dialect: 'mariadb',
    drop: async () => {
      const c = await adminConnection();
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/** Table names of a database, whatever the dialect returns (strings on SQLite, objects on MariaDB). */
export async function tableNames(sequelize: import('sequelize').Sequelize): Promise<string[]> {
  const tables = (await sequelize.getQueryInterface().showAllTables()) as unknown[];
  return tables.map((t) => (typeof t === 'string' ? t : (t as { tableName: string }).tableName));
}
