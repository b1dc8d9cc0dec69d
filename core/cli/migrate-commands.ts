import type { Command } from 'commander';
import { CORE_NAMESPACE } from '../app';
import { CliError, withCarillon } from './cli-context';

export function migrateCommands(program: Command): void {
  const migrate = program.command('migrate').description('Database migrations of core and plugins');

  migrate
    .command('status')
    .description('Executed and pending migrations, per namespace')
    .action(async () => {
      await withCarillon({ migrate: false }, async (app) => {
        const namespaces = [CORE_NAMESPACE, ...app.cradle.pluginHost.registeredIds()];
        for (const ns of namespaces) {
          const status = await (ns === CORE_NAMESPACE ? app.coreMigrator() : app.cradle.pluginHost.migratorFor(ns)).status();
          process.stdout.write(`${ns}: ${status.executed.length} executed, ${status.pending.length} pending\n`);
          for (const name of status.executed) process.stdout.write(`  [x] ${name}\n`);
          for (const name of status.pending) process.stdout.write(`  [ ] ${name}\n`);
        }
      });
    });

  migrate
    .command('up')
    .description('Apply pending migrations: core first, then plugins in dependency order')
    .action(async () => {
      await withCarillon({ migrate: true }, async (app) => {
        for (const id of app.cradle.pluginHost.registeredIds()) {
          const done = await app.cradle.pluginHost.migratorFor(id).up();
          if (done.length) process.stdout.write(`${id}: applied ${done.join(', ')}\n`);
        }
        process.stdout.write('Database is up to date.\n');
      });
    });

  migrate
    .command('down')
    .description('Revert the last migrations of core or of one plugin')
    .argument('<namespace>', `"${CORE_NAMESPACE}" or a plugin id`)
    .argument('[steps]', 'how many migrations to revert', '1')
    .action(async (namespace: string, stepsText: string) => {
      const steps = Number(stepsText);
      if (!Number.isInteger(steps) || steps < 1) throw new CliError(`steps must be a whole number of at least 1; got "${stepsText}"`);
      await withCarillon({ migrate: false }, async (app) => {
        if (namespace !== CORE_NAMESPACE && !app.cradle.pluginHost.registeredIds().includes(namespace)) {
          throw new CliError(`Unknown namespace "${namespace}": use "${CORE_NAMESPACE}" or one of: ${app.cradle.pluginHost.registeredIds().join(', ') || '(no plugin)'}`);
        }
        const migrator = namespace === CORE_NAMESPACE ? app.coreMigrator() : app.cradle.pluginHost.migratorFor(namespace);
        const done = await migrator.down(steps);
        process.stdout.write(done.length ? `${namespace}: reverted ${done.join(', ')}\n` : `${namespace}: nothing to revert\n`);
      });
    });
}
