import type { Command } from 'commander';
import { read } from 'read';
import type { Carillon } from '../app';
import type { User } from '../auth/models';
import type { HttpError } from '../http/problem';
import { CliError, withCarillon } from './cli-context';

/** The password from standard input when it is piped, or from a hidden prompt (asked twice). */
async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
    if (!password) throw new CliError('No password on standard input.');
    return password;
  }
  const password = await read({ prompt: 'Password: ', silent: true, replace: '*' });
  const again = await read({ prompt: 'Password again: ', silent: true, replace: '*' });
  if (password !== again) throw new CliError('The two passwords differ.');
  return password;
}

function explain(err: unknown): never {
  const problem = err as HttpError;
  if (problem.code && problem.title) {
    const fields = problem.errors?.map((e) => `  ${e.field.replace(/^body\./, '')}: ${e.message}`).join('\n');
    throw new CliError(`${problem.detail ?? problem.title}${fields ? `\n${fields}` : ''}`);
  }
  throw err;
}

export function userCommands(program: Command): void {
  const user = program.command('user').description('Users, on a headless appliance');

  user
    .command('add')
    .description('Create a user; the password comes from standard input or a prompt')
    .requiredOption('--email <email>', 'e-mail (the login)')
    .option('--name <name>', 'display name (default: the e-mail)')
    .option('--role <role...>', 'role(s)', ['admin'])
    .action(async (options: { email: string; name?: string; role: string[] }) => {
      const password = await readPassword();
      await withCarillon({ migrate: true }, async (app) => {
        const created = await app.cradle.userService.create({ email: options.email, displayName: options.name ?? options.email, password, roles: options.role }).catch(explain);
        await app.cradle.auditService.record({ actor: 'cli', action: 'users.create', target: `user:${created.id}` });
        process.stdout.write(`User ${created.email} created with role(s) ${created.roles.join(', ')}.\n`);
      });
    });

  user
    .command('reset-password')
    .description("Set a user's password (and lift any lock); the password comes from standard input or a prompt")
    .requiredOption('--email <email>', 'e-mail of the user')
    .action(async (options: { email: string }) => {
      const password = await readPassword();
      await onUser(options.email, 'users.resetPassword', async (app, found) => {
        await app.cradle.userService.setPassword(found.id, password).catch(explain);
        return `Password of ${found.email} changed; their sessions were closed.`;
      });
    });

  user
    .command('unlock')
    .description('Lift a lock caused by failed logins (the next lock is short again)')
    .requiredOption('--email <email>', 'e-mail of the user')
    .action(async (options: { email: string }) => {
      await onUser(options.email, 'users.unlock', async (app, found) => {
        await app.cradle.userService.unlock(found.id);
        return `${found.email} is unlocked.`;
      });
    });

  user
    .command('reset-totp')
    .description("Turn off a user's second factor (lost phone); they can enrol again after logging in")
    .requiredOption('--email <email>', 'e-mail of the user')
    .action(async (options: { email: string }) => {
      await onUser(options.email, 'users.resetTotp', async (app, found) => {
        await app.cradle.userService.resetTotp(found.id);
        return `Two-factor login of ${found.email} is off; their sessions were closed.`;
      });
    });
}

/** Runs `work` on the user with this e-mail, audits it as done from the CLI and prints what it says. */
function onUser(email: string, action: string, work: (app: Carillon, user: User) => Promise<string>): Promise<void> {
  return withCarillon({ migrate: true }, async (app) => {
    const found = await app.cradle.userService.findByEmail(email);
    if (!found) throw new CliError(`No user with the e-mail ${email}.`);
    const said = await work(app, found);
    await app.cradle.auditService.record({ actor: 'cli', action, target: `user:${found.id}` });
    process.stdout.write(`${said}\n`);
  });
}
