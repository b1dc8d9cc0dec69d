/**
 * Login timing benchmark (issue 12, item 4): the time of a refused login must not tell whether the
 * e-mail exists or the account is locked. Over real HTTP, interleaved in random order, it times
 * the baseline, a wrong password on an existing account, against an unknown e-mail, a locked
 * account with a wrong password and a locked account with its right password. Each request comes
 * from its own client address (the app trusts X-Forwarded-For here) so the per-client throttle
 * stays out of the way, and the pause after a failure is 0 so that only the work is measured.
 * Aim: every median within 0.9–1.1 of the baseline's.
 *
 *   npx tsx bench/login-timing.ts [rounds]   (MariaDB at 127.0.0.1:3306 when reachable, else SQLite)
 */
import { performance } from 'node:perf_hooks';
import { startTestApp } from '../test/support/test-app';

const ROUNDS = Number(process.argv[2] ?? 20);
const PASSWORD = 'Bench-login-timing-42';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function main(): Promise<void> {
  const app = await startTestApp({
    overrides: { http: { trustProxy: true }, auth: { lockout: { delayMs: 0, lockMinutes: 60 } }, log: { level: 'warn' } },
  });
  let client = 0;
  const login = async (email: string, password: string): Promise<{ ms: number; status: number }> => {
    client++;
    const ip = `198.18.${Math.floor(client / 250)}.${(client % 250) + 1}`;
    const started = performance.now();
    const res = await app.client().post('/api/auth/login', { email, password }, { 'x-forwarded-for': ip });
    return { ms: performance.now() - started, status: res.status };
  };
  try {
    const admin = await app.adminClient();
    for (const email of ['open@bench.test', 'locked@bench.test']) {
      const created = await admin.post('/api/users', { email, displayName: email, password: PASSWORD, roles: ['agent'] });
      if (created.status !== 201) throw new Error(`creating ${email}: ${created.text}`);
    }
    const maxAttempts = app.app.cradle.config.auth.lockout.maxAttempts;
    for (let i = 0; i < maxAttempts; i++) await login('locked@bench.test', `lock it ${i}`);
    if (!(await admin.get('/api/users?search=locked%40bench')).body.items[0].locked) throw new Error('the account did not lock');

    const cases: Record<string, () => Promise<{ ms: number; status: number }>> = {
      'wrong password (baseline)': () => login('open@bench.test', 'not the password'),
      'unknown e-mail': () => login('nobody@bench.test', 'not the password'),
      'locked, wrong password': () => login('locked@bench.test', 'not the password'),
      'locked, right password': () => login('locked@bench.test', PASSWORD),
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = Object.keys(cases).sort(() => Math.random() - 0.5);
      for (const name of order) {
        const { ms, status } = await cases[name]();
        if (status !== 401) throw new Error(`${name}: status ${status}, expected 401`);
        times[name].push(ms);
      }
    }

    const baseline = median(times['wrong password (baseline)']);
    let met = true;
    console.log(`Login timing over HTTP, ${ROUNDS} rounds, ${app.database.dialect}, pause after failure 0 ms`);
    for (const [name, values] of Object.entries(times)) {
      const ratio = median(values) / baseline;
      if (ratio < 0.9 || ratio > 1.1) met = false;
      console.log(`  ${name.padEnd(28)} median ${median(values).toFixed(1).padStart(7)} ms   ratio ${ratio.toFixed(2)}`);
    }
    console.log(`Aim (every median within 0.9–1.1 of the baseline): ${met ? 'met' : 'NOT met'}`);
  } finally {
    await app.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
