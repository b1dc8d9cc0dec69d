import type { Command } from 'commander';
import { withCarillon } from './cli-context';

/**
 * `carillon setup-link`: the one-time link that creates the first administrator, for the
 * appliance's console screen and its installer: the same link Carillon printed at start (so the
 * one in the journal keeps working), or with `--new` a fresh one that voids every earlier link.
 */
export function setupLinkCommand(program: Command): void {
  program
    .command('setup-link')
    .description('Print the one-time link that creates the first administrator (nothing when one exists)')
    .option('--new', 'issue a new link; every link shown before stops working')
    .option('--base <url>', 'address people open, such as https://192.168.1.20 (default: http.publicUrl, else from http.host and http.port)')
    .action(async (options: { base?: string; new?: boolean }) => {
      await withCarillon({ migrate: false }, async (app) => {
        const setup = app.cradle.setupService;
        const token = options.new ? await setup.issueToken() : await setup.currentToken();
        if (!token) {
          process.stdout.write('An administrator already exists: log in instead.\n');
          return;
        }
        const base = (options.base ?? app.baseUrl()).replace(/\/$/, '');
        process.stdout.write(`${base}/setup?token=${token}\n`);
      });
    });
}
