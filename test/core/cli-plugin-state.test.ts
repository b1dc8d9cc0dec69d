import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { EXAMPLE_PLUGIN, installPluginPackage } from '../support/plugins';
import { tempDir } from '../support/test-app';
import { carillonAsync, spawnCarillon } from '../support/cli';

interface Listed {
  id: string;
  state: string;
  enabled: boolean;
  error: { code: string; message: string } | null;
  stateFrom: string;
}

// Issue #13: `plugin list --json` said the directory plugin was `failed` (error null) while
// /api/health said started. The CLI is another process that never starts plugins; it showed its
// own placeholder state. It now reports what the running server recorded.
describe('CLI: plugin list shows the running server’s plugin states', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    const dataDir = tempDir();
    database = await createTestDatabase(dataDir);
    env = { ...process.env, CARILLON_DATA_DIR: dataDir, CARILLON_DATABASE_URL: database.url, CARILLON_PLUGIN_DIR: installPluginPackage(EXAMPLE_PLUGIN), CARILLON_HTTP_PORT: '0', CARILLON_CONFIG: '', CARILLON_TFTP_PORT: '0' };
  });
  after(() => database?.drop());

  const list = async (): Promise<Listed[]> => {
    const res = await carillonAsync(['plugin', 'list', '--json'], { env: { ...env, CARILLON_LOG_LEVEL: 'silent' } });
    expect(res.code, res.stderr).to.equal(0);
    return JSON.parse(res.stdout) as Listed[];
  };

  it('says what /api/health says while Carillon runs, and never "failed" without an error', async () => {
    const before = await list();
    expect(before.find((p) => p.id === 'directory')).to.include({ state: 'stopped', stateFrom: 'configuration', error: null });
    for (const p of before) if (p.state === 'failed') expect(p.error, p.id).to.not.equal(null);

    const { child, stop } = spawnCarillon(['start'], { ...env, CARILLON_LOG_LEVEL: 'info' });
    try {
      let stdout = '';
      const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Carillon did not start:\n${stdout}`)), 60_000);
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"Carillon is listening"/.exec(stdout);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      const health = (await (await fetch(`${url}/api/health`)).json()) as { plugins: Array<{ id: string; state: string; error?: { code: string } }> };
      expect(health.plugins.find((p) => p.id === 'directory')?.state).to.equal('started');

      const running = await list();
      expect(running.find((p) => p.id === 'directory')).to.include({ state: 'started', stateFrom: 'server', error: null });
      const simplify = (p: { id: string; state: string; error?: { code: string } | null }) => ({ id: p.id, state: p.state, code: p.error?.code ?? null });
      expect(running.map(simplify)).to.deep.equal(health.plugins.map(simplify));

      // A CLI `disable` applies at the next start: the list keeps the server's state and says what comes.
      expect((await carillonAsync(['plugin', 'disable', 'example'], { env: { ...env, CARILLON_LOG_LEVEL: 'silent' } })).code).to.equal(0);
      const text = await carillonAsync(['plugin', 'list'], { env: { ...env, CARILLON_LOG_LEVEL: 'silent' } });
      expect(text.stdout).to.match(/Carillon is running \(pid \d+/);
      expect(text.stdout).to.match(/example\s+1\.2\.0\s+package\s+started \(disabled at next start\)/);
      expect(text.stdout).to.match(/directory\s+\S+\s+bundled\s+started {2}Company directory\n/);
      // Names in the terminal's language.
      const french = await carillonAsync(['plugin', 'list'], { env: { ...env, CARILLON_LOG_LEVEL: 'silent', LC_ALL: '', LC_MESSAGES: '', LANG: 'fr_FR.UTF-8' } });
      expect(french.stdout).to.match(/directory\s+\S+\s+bundled\s+started {2}Annuaire de l’entreprise\n/);

      stop('SIGTERM');
      await exited;
    } finally {
      try {
        stop('SIGKILL');
      } catch {
        // Already stopped.
      }
    }

    const after = await list();
    expect(after.find((p) => p.id === 'directory')).to.include({ state: 'stopped', stateFrom: 'configuration' });
    expect(after.find((p) => p.id === 'example')).to.include({ state: 'disabled', enabled: false });
  });
});
