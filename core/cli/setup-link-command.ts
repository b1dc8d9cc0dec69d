import type { Command } from 'commander';
import { withCarillon } from './cli-context';

/**
 * `carillon setup-link`: a fresh one-time link to create the first administrator, for the
 * appliance's console screen and its installer (a new link replaces the one printed at start).
 */
export function setupLinkCommand(program: Command): void {
  program
    .command('setup-link')
    .description('Print a new one-time link that creates the first administrator (nothing when one exists)')
    .option('--base <url>', 'address people open, such as https://192.168.1.20 (default: http.publicUrl, else from http.host and http.port)')
    .action(async (options: { base?: string }) => {
      await withCarillon({ migrate: false }, async (app) => {
        const token = await app.cradle.setupService.issueToken();
        if (!token) {
          process.stdout.write('An administrator already exists: log in instead.\n');
          return;
        }
        const base = (options.base ?? app.baseUrl()).replace(/\/$/, '');
        process.stdout.write(`${base}/setup?token=${token}\n`);
      });
    });
}
