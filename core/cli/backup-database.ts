import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import mariadb from 'mariadb';
import { Sequelize } from 'sequelize';
import { describeDatabaseUrl, type Dialect } from '../db/database';
import { CliError } from './cli-context';
import { PRIVATE_FILE_MODE, restrictFile } from '../security/private-files';

/**
 * Database dumps for `carillon backup` / `carillon restore`. SQLite is copied with `VACUUM INTO`
 * (a consistent snapshot even while Carillon writes); MariaDB is dumped with `mariadb-dump` in one
 * transaction and restored into a staging database, then swapped in with one atomic RENAME TABLE.
 */

export const DUMP_FILE: Record<Dialect, string> = { sqlite: 'database/carillon.sqlite', mariadb: 'database/carillon.sql' };

interface MariaDbTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

function mariaDbTarget(url: string): MariaDbTarget {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
  };
}

/** The SQLite file of a sqlite: URL (same rules as the server). */
export function sqliteFileOf(url: string): string {
  return describeDatabaseUrl(url).location;
}

/** A client option file, so the password never shows in `ps`. */
function withOptionFile<T>(workDir: string, target: MariaDbTarget, work: (file: string) => Promise<T>): Promise<T> {
  const file = path.join(workDir, `.my-${process.pid}.cnf`);
  const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  fs.writeFileSync(file, `[client]\nhost=${quote(target.host)}\nport=${target.port}\nuser=${quote(target.user)}\npassword=${quote(target.password)}\n`, { mode: 0o600 });
  return work(file).finally(() => fs.rmSync(file, { force: true }));
}

/** The first of `names` found on PATH (Debian 12 has both mariadb-dump and the older mysqldump name). */
function findProgram(names: string[]): string {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter)) {
    for (const name of names) if (fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  throw new CliError(`${names[0]} is not installed: it is needed to back up or restore a MariaDB database (Debian package mariadb-client).`);
}

function run(program: string, args: string[], io: { stdin?: string; stdout?: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: [io.stdin ? 'pipe' : 'ignore', io.stdout ? 'pipe' : 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    if (io.stdin) fs.createReadStream(io.stdin).on('error', reject).pipe(child.stdin!);
    if (io.stdout) child.stdout!.pipe(fs.createWriteStream(io.stdout, { mode: 0o600 }));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new CliError(`${path.basename(program)} failed (exit ${code}): ${stderr.trim()}`))));
  });
}

/** Writes the database of `url` to `outFile` (the format named by DUMP_FILE for its dialect). */
export async function dumpDatabase(url: string, outFile: string, workDir: string): Promise<void> {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  if (describeDatabaseUrl(url).dialect === 'sqlite') {
    const sequelize = new Sequelize({ dialect: 'sqlite', storage: sqliteFileOf(url), logging: false });
    try {
      await sequelize.query('VACUUM INTO ?', { replacements: [outFile] });
    } finally {
      await sequelize.close();
    }
    // VACUUM INTO creates the copy with the process umask: it holds password hashes.
    restrictFile(outFile);
    return;
  }
  const target = mariaDbTarget(url);
  const dump = findProgram(['mariadb-dump', 'mysqldump']);
  await withOptionFile(workDir, target, (optionFile) =>
    run(dump, [`--defaults-extra-file=${optionFile}`, '--single-transaction', '--skip-lock-tables', '--routines', '--triggers', '--hex-blob', '--default-character-set=utf8mb4', '--no-tablespaces', target.database], { stdout: outFile }),
  );
}

/** A database restore done up to its last step: `commit` makes it final, `rollback` puts back what was there. */
export interface PreparedDatabaseRestore {
  swap(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

async function sqliteTableCount(file: string): Promise<number> {
  const sequelize = new Sequelize({ dialect: 'sqlite', storage: file, logging: false });
  try {
    const [rows] = await sequelize.query("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'");
    return Number((rows as Array<{ n: number }>)[0].n);
  } finally {
    await sequelize.close();
  }
}

function prepareSqliteRestore(url: string, dumpFile: string): PreparedDatabaseRestore {
  const live = sqliteFileOf(url);
  const staged = `${live}.restoring`;
  const kept = `${live}.before-restore`;
  // The write-ahead log belongs to the file it was written for: it moves aside with it.
  const companions = ['', '-wal', '-shm'];
  let swapped = false;
  return {
    async swap() {
      fs.mkdirSync(path.dirname(live), { recursive: true });
      fs.copyFileSync(dumpFile, staged);
      fs.chmodSync(staged, PRIVATE_FILE_MODE);
      // A restore runs as root on the appliance: the database file stays Carillon's.
      if (fs.existsSync(live) && process.getuid?.() === 0) {
        const owner = fs.statSync(live);
        fs.chownSync(staged, owner.uid, owner.gid);
      }
      if ((await sqliteTableCount(staged)) === 0) throw new CliError('The database in the backup is empty.');
      for (const suffix of companions) fs.rmSync(kept + suffix, { force: true });
      for (const suffix of companions) if (fs.existsSync(live + suffix)) fs.renameSync(live + suffix, kept + suffix);
      fs.renameSync(staged, live);
      swapped = true;
    },
    async commit() {
      for (const suffix of companions) fs.rmSync(kept + suffix, { force: true });
    },
    async rollback() {
      fs.rmSync(staged, { force: true });
      if (!swapped) return;
      for (const suffix of companions) fs.rmSync(live + suffix, { force: true });
      for (const suffix of companions) if (fs.existsSync(kept + suffix)) fs.renameSync(kept + suffix, live + suffix);
    },
  };
}

function prepareMariaDbRestore(url: string, dumpFile: string, workDir: string): PreparedDatabaseRestore {
  const target = mariaDbTarget(url);
  // The appliance's database user is granted these two names next to its own (postinst).
  const staging = `${target.database}_restore`;
  const previous = `${target.database}_previous`;
  const id = (name: string) => `\`${name.replace(/`/g, '``')}\``;
  const connect = () => mariadb.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password, connectTimeout: 5000 });
  const baseTables = async (conn: Awaited<ReturnType<typeof connect>>, schema: string) =>
    ((await conn.query("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'", [schema])) as Array<{ t: string }>).map((r) => r.t);
  let swapped: { live: string[]; restored: string[] } | null = null;
  return {
    async swap() {
      const conn = await connect();
      try {
        await conn.query(`DROP DATABASE IF EXISTS ${id(staging)}`);
        await conn.query(`CREATE DATABASE ${id(staging)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
        const client = findProgram(['mariadb', 'mysql']);
        await withOptionFile(workDir, target, (optionFile) => run(client, [`--defaults-extra-file=${optionFile}`, '--default-character-set=utf8mb4', staging], { stdin: dumpFile }));
        const restored = await baseTables(conn, staging);
        if (restored.length === 0) throw new CliError('The database in the backup is empty.');
        const live = await baseTables(conn, target.database);
        await conn.query(`DROP DATABASE IF EXISTS ${id(previous)}`);
        await conn.query(`CREATE DATABASE ${id(previous)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
        // One RENAME TABLE statement is atomic: Carillon sees either the old tables or the restored ones.
        const moves = [
          ...live.map((t) => `${id(target.database)}.${id(t)} TO ${id(previous)}.${id(t)}`),
          ...restored.map((t) => `${id(staging)}.${id(t)} TO ${id(target.database)}.${id(t)}`),
        ];
        await conn.query(`RENAME TABLE ${moves.join(', ')}`);
        swapped = { live, restored };
      } finally {
        await conn.end();
      }
    },
    async commit() {
      const conn = await connect();
      try {
        await conn.query(`DROP DATABASE IF EXISTS ${id(previous)}`);
        await conn.query(`DROP DATABASE IF EXISTS ${id(staging)}`);
      } finally {
        await conn.end();
      }
    },
    async rollback() {
      const conn = await connect();
      try {
        if (swapped) {
          const moves = [
            ...swapped.restored.map((t) => `${id(target.database)}.${id(t)} TO ${id(staging)}.${id(t)}`),
            ...swapped.live.map((t) => `${id(previous)}.${id(t)} TO ${id(target.database)}.${id(t)}`),
          ];
          await conn.query(`RENAME TABLE ${moves.join(', ')}`);
          swapped = null;
        }
        await conn.query(`DROP DATABASE IF EXISTS ${id(staging)}`);
        await conn.query(`DROP DATABASE IF EXISTS ${id(previous)}`);
      } finally {
        await conn.end();
      }
    },
  };
}

export function prepareDatabaseRestore(url: string, dumpFile: string, workDir: string): PreparedDatabaseRestore {
  return describeDatabaseUrl(url).dialect === 'sqlite' ? prepareSqliteRestore(url, dumpFile) : prepareMariaDbRestore(url, dumpFile, workDir);
}

/** Whether the database already holds users (a restore over them needs --force). */
export async function databaseHasUsers(url: string): Promise<boolean> {
  const info = describeDatabaseUrl(url);
  if (info.dialect === 'sqlite') {
    if (!fs.existsSync(info.location)) return false;
    const sequelize = new Sequelize({ dialect: 'sqlite', storage: info.location, logging: false });
    try {
      const [tables] = await sequelize.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'users'");
      if ((tables as unknown[]).length === 0) return false;
      const [rows] = await sequelize.query('SELECT COUNT(*) AS n FROM users');
      return Number((rows as Array<{ n: number }>)[0].n) > 0;
    } finally {
      await sequelize.close();
    }
  }
  const target = mariaDbTarget(url);
  const conn = await mariadb.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password, database: target.database, connectTimeout: 5000 });
  try {
    const tables = (await conn.query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'users'", [target.database])) as unknown[];
    if (tables.length === 0) return false;
    const [row] = (await conn.query('SELECT COUNT(*) AS n FROM users')) as Array<{ n: bigint | number }>;
    return Number(row.n) > 0;
  } finally {
    await conn.end();
  }
}
