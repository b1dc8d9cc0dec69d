/**
 * Directory import benchmark: a generated 100,000-row CSV imported through the plugin's API
 * (streamed upload, plan, apply in one transaction), with rows per second and the process's peak
 * memory, against MariaDB's own `LOAD DATA LOCAL INFILE` of the same file into a plain table in
 * the same run; then search latency on the 100,000-contact directory.
 *
 * Aim: the import within 20 times LOAD DATA's time, peak memory (RSS) under 512 MB, and search
 * p99 within 100 ms (an answer that feels immediate while typing).
 *
 *   npx tsx bench/directory-import.ts [rows]      (MariaDB at 127.0.0.1:3306, root, no password)
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import mariadb from 'mariadb';
import { startTestApp, tempDir } from '../test/support/test-app';
import { testDatabaseTarget } from '../test/support/database';
import { directoryOnlyBundledDir } from '../test/plugins/directory/directory-app';

const ROWS = Number(process.argv[2] ?? 100_000);
const SEARCHES = 400;

const FIRST = ['Jean', 'Marie', 'Pierre', 'Hélène', 'Luc', 'Anne', 'Éric', 'Sophie', 'Paul', 'Claire', 'François', 'Zoé', 'Nicolas', 'Camille', 'Théo', 'Léa'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'Fournier'];
const COMPANY = ['Acme', 'Boulangerie du Centre', 'Société Générale d’Exemple', 'Transports Rapides', 'Cabinet Médical', 'Garage de la Gare', 'Ferme des Lilas'];
const FOLDERS = ['Clients', 'Clients/Paris', 'Clients/Lyon', 'Fournisseurs', 'Partenaires/Europe', ''];

/** A deterministic, well-mixed pick, so first names, last names and companies combine independently. */
function pick<T>(list: T[], i: number, salt: number): T {
  let h = Math.imul(i ^ Math.imul(salt, 0x9e3779b1), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return list[((h ^ (h >>> 16)) >>> 0) % list.length];
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

async function writeCsv(file: string): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write('Nom;Prénom;Société;Dossier;Tél. bureau;Tél. mobile;E-mails;Ville\r\n');
  for (let i = 0; i < ROWS; i++) {
    const last = `${pick(LAST, i, 1)}${i % 97 === 0 ? '-Dupré' : ''}`;
    const first = pick(FIRST, i, 2);
    const row = [
      last, first, `"${pick(COMPANY, i, 3)}"`, pick(FOLDERS, i, 4),
      `01 ${pad(Math.floor(i / 10000) % 100, 2)} ${pad(Math.floor(i / 100) % 100, 2)} ${pad(i % 100, 2)} ${pad(i % 89, 2)}`,
      `06 ${pad(i % 100, 2)} ${pad(Math.floor(i / 100) % 100, 2)} ${pad(Math.floor(i / 10000) % 100, 2)} 42`,
      `${first.toLowerCase()}.${i}@example.com`, 'Paris',
    ].join(';');
    if (!out.write(row + '\r\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function mb(kilobytes: number): string {
  return (kilobytes / 1024).toFixed(0);
}

async function main(): Promise<void> {
  const target = await testDatabaseTarget();
  if (target.dialect !== 'mariadb') throw new Error(`This benchmark needs MariaDB at 127.0.0.1:3306 (${target.description}).`);
  const dir = tempDir('carillon-bench-');
  const file = path.join(dir, 'contacts.csv');
  await writeCsv(file);
  const bytes = fs.statSync(file).size;
  console.log(`Directory import: ${ROWS} rows, ${(bytes / 1e6).toFixed(1)} MB CSV (${target.description})`);

  const t = await startTestApp({ bundledDir: directoryOnlyBundledDir(), overrides: { log: { level: 'warn' } } });
  try {
    const admin = await t.adminClient();
    const health = (await admin.get('/api/health')).body as { plugins: Array<{ id: string; state: string; error?: unknown }> };
    const plugin = health.plugins.find((p) => p.id === 'directory');
    if (plugin?.state !== "started") throw new Error(`the directory plugin did not start: ${JSON.stringify(health)}`);
    const rssBefore = process.resourceUsage().maxRSS;

    const started = performance.now();
    const uploaded = await fetch(`${t.url}/api/plugins/directory/imports`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', cookie: admin.cookie!, 'x-csrf-token': admin.csrfToken! },
      body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const plan = (await uploaded.json()) as { id: string; counts: Record<string, number>; canApply: boolean };
    if (uploaded.status !== 201 || !plan.canApply) throw new Error(`plan failed: ${uploaded.status} ${JSON.stringify(plan).slice(0, 500)}`);
    const planned = performance.now();
    const applied = await admin.post(`/api/plugins/directory/imports/${plan.id}/apply`);
    if (applied.status !== 200) throw new Error(`apply failed: ${applied.status} ${applied.text.slice(0, 500)}`);
    const done = performance.now();
    const peak = process.resourceUsage().maxRSS;

    const conn = await mariadb.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: new URL(t.database.url).pathname.slice(1), permitLocalInfile: true });
    await conn.query('CREATE TABLE bench_load_data (last_name VARCHAR(100), first_name VARCHAR(100), company VARCHAR(150), folder VARCHAR(200), work VARCHAR(64), mobile VARCHAR(64), email VARCHAR(191), city VARCHAR(100)) CHARACTER SET utf8mb4');
    const loadStarted = performance.now();
    await conn.query(
      `LOAD DATA LOCAL INFILE ? INTO TABLE bench_load_data CHARACTER SET utf8mb4 FIELDS TERMINATED BY ';' OPTIONALLY ENCLOSED BY '"' LINES TERMINATED BY '\\r\\n' IGNORE 1 LINES`,
      [file],
    );
    const loadMs = performance.now() - loadStarted;
    const [{ n }] = (await conn.query('SELECT COUNT(*) AS n FROM bench_load_data')) as Array<{ n: bigint }>;
    await conn.end();

    const queries = ['martin', 'hel', 'lefevre sophie', 'boulangerie', 'acme', 'dupre', '01 00 12', '+33 1 05 43', '0612', '06 42 17 05 42', 'zzz', 'transports rapides', 'claire', '0033 6 11'];
    const latencies: number[] = [];
    const byQuery = new Map<string, number[]>();
    for (let i = 0; i < SEARCHES; i++) {
      const q = queries[i % queries.length];
      const t0 = performance.now();
      const res = await admin.get(`/api/plugins/directory/contacts?q=${encodeURIComponent(q)}&limit=50`);
      const ms = performance.now() - t0;
      latencies.push(ms);
      byQuery.set(q, [...(byQuery.get(q) ?? []), ms]);
      if (res.status !== 200) throw new Error(`search failed: ${res.text}`);
    }
    latencies.sort((a, b) => a - b);
    const slowest = [...byQuery].map(([q, ms]) => [q, ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]] as const).sort((a, b) => b[1] - a[1]).slice(0, 3);

    const totalMs = done - started;
    console.log(`  plan   (upload + read + validate): ${((planned - started) / 1000).toFixed(1)} s, ${Math.round(ROWS / ((planned - started) / 1000))} rows/s`);
    console.log(`  apply  (backup + one transaction): ${((done - planned) / 1000).toFixed(1)} s, ${Math.round(ROWS / ((done - planned) / 1000))} rows/s`);
    console.log(`  import end to end:                 ${(totalMs / 1000).toFixed(1)} s, ${Math.round(ROWS / (totalMs / 1000))} rows/s (${plan.counts.created} created)`);
    console.log(`  peak memory (RSS high-water): ${mb(peak)} MB (${mb(rssBefore)} MB before the import; the CSV is ${(bytes / 1e6).toFixed(1)} MB)`);
    console.log(`  baseline LOAD DATA LOCAL INFILE:   ${(loadMs / 1000).toFixed(2)} s, ${Math.round(Number(n) / (loadMs / 1000))} rows/s (${n} rows, plain table, no index)`);
    console.log(`  ratio import / LOAD DATA: ${(totalMs / loadMs).toFixed(1)}x the time`);
    console.log(`  search on ${ROWS} contacts over HTTP (${SEARCHES} queries): p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
    console.log(`    slowest queries (median): ${slowest.map(([q, ms]) => `"${q}" ${ms.toFixed(1)} ms`).join(', ')}`);
    const ratio = totalMs / loadMs;
    const p99 = percentile(latencies, 99);
    const met = ratio <= 20 && peak / 1024 < 512 && p99 <= 100;
    console.log(`Aim: import ≤ 20× LOAD DATA's time, peak RSS < 512 MB, search p99 ≤ 100 ms: ${ratio.toFixed(1)}×, ${mb(peak)} MB, ${p99.toFixed(1)} ms — ${met ? 'met' : 'NOT met'}`);
  } finally {
    await t.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
