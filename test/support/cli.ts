import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

/** The repository root: `npx carillon` finds the CLI from here, as in a checkout. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Tests run the CLI exactly as the README tells people to: `npx carillon <command>` from the
// checkout (npx goes through node_modules/.bin, which once made the CLI silently do nothing).
const NPX_ARGS = ['--no-install', 'carillon'];

/** Runs `npx carillon …` to completion. */
export function carillonSync(args: string[], options: { env: NodeJS.ProcessEnv; input?: string }): CliResult {
  const result = spawnSync('npx', [...NPX_ARGS, ...args], { cwd: REPO_ROOT, env: options.env, input: options.input, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `npx carillon …` without blocking the test process (which may be serving HTTP meanwhile). */
export function carillonAsync(args: string[], options: { env: NodeJS.ProcessEnv; input?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', [...NPX_ARGS, ...args], { cwd: REPO_ROOT, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Spawns a long-running `npx carillon …` (start) in a process group of its own, as a terminal
 * runs it: `stop()` signals the whole group, as Ctrl-C or a service manager does.
 */
export function spawnCarillon(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn('npx', [...NPX_ARGS, ...args], { cwd: REPO_ROOT, env, detached: true });
  const stop = (signal: NodeJS.Signals) => process.kill(-child.pid!, signal);
  return { child, stop };
}
