import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { AriSimulator } from '../ari-simulator/ari-simulator';
import { tempDir } from '../support/test-app';
import { startSimulator } from './telephony-harness';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'carillon.js');

/**
 * `carillon start` as systemd runs it, against the ARI simulator: journald and log shippers read
 * stdout as one JSON object per line, including while ari-client connects (its Swagger loader
 * used to print a three-line array there).
 */
describe('The server log while connecting to Asterisk', function () {
  // tsx compiles the server on start: seconds on a busy machine.
  this.timeout(120_000);
  let sim: AriSimulator;

  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.stop());

  it('stays one JSON object per line on stdout, the Swagger warning included', async () => {
    const dataDir = tempDir('carillon-ari-log-');
    const pluginDir = path.join(dataDir, 'plugins');
    fs.mkdirSync(pluginDir);
    const env = {
      ...process.env,
      CARILLON_DATA_DIR: dataDir,
      CARILLON_DATABASE_URL: `sqlite:${path.join(dataDir, 'carillon.sqlite')}`,
      CARILLON_PLUGIN_DIR: pluginDir,
      CARILLON_HTTP_PORT: '0',
      CARILLON_TFTP_PORT: '0',
      CARILLON_ARI_URL: sim.url,
      CARILLON_ARI_PASSWORD: 'carillon',
      CARILLON_LOG_LEVEL: 'debug',
    };
    // With an administrator, the server prints no setup link (text meant for a person at the console).
    const admin = spawnSync(process.execPath, [BIN, 'user', 'add', '--email', 'admin@example.test'], { cwd: dataDir, env: { ...env, CARILLON_ARI_URL: '', CARILLON_LOG_LEVEL: 'silent' }, input: 'a long enough password\n', encoding: 'utf8' });
    expect(admin.status, admin.stderr).to.equal(0);
    const child = spawn(process.execPath, [BIN, 'start'], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 100_000;
      while (!stdout.includes('connected to Asterisk ARI')) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not connect to ARI\n${stdout}\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(sim.registeredApps()).to.deep.equal(['carillon']);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    const lines = stdout.split('\n').filter((line) => line !== '');
    const notJson = lines.filter((line) => {
      try {
        const parsed: unknown = JSON.parse(line);
        return !parsed || typeof parsed !== 'object' || Array.isArray(parsed);
      } catch {
        return true;
      }
    });
    expect(notJson, 'stdout lines that are not JSON objects').to.deep.equal([]);
    const swagger = lines.map((line) => JSON.parse(line) as { level: string; msg: string; library?: string }).filter((entry) => entry.library === 'swagger-client');
    expect(swagger).to.have.length(1);
    expect(swagger[0]).to.include({ level: 'debug' });
    expect(swagger[0]!.msg).to.match(/deprecated version of Swagger/);
  });
});
