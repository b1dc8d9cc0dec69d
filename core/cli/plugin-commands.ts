import type { Command } from 'commander';
import { withCarillon } from './cli-context';

export function pluginCommands(program: Command): void {
  const plugin = program.command('plugin').description('Installed plugins');

  plugin
    .command('list')
    .description('Plugins with version, state and error')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withCarillon({ migrate: false }, async (app) => {
        const plugins = app.cradle.pluginHost.list();
        if (options.json) {
          process.stdout.write(`${JSON.stringify(plugins, null, 2)}\n`);
          return;
        }
        if (!plugins.length) process.stdout.write('No plugin installed.\n');
        for (const p of plugins) {
          // Outside the server nothing is started: show what the next start will do.
          const state = p.error ? `failed: ${p.error.code}: ${p.error.message}` : p.enabled ? 'enabled' : 'disabled';
          process.stdout.write(`${p.id.padEnd(24)} ${(p.version ?? '-').padEnd(10)} ${p.source.padEnd(8)} ${state}\n`);
        }
      });
    });

  for (const action of ['enable', 'disable'] as const) {
    plugin
      .command(action)
      .description(`${action === 'enable' ? 'Enable' : 'Disable'} a plugin; a running server applies it at its next start`)
      .argument('<id>', 'plugin id')
      .action(async (id: string) => {
        await withCarillon({ migrate: true }, async (app) => {
          try {
            await app.cradle.pluginHost.setEnabled(id, action === 'enable', { live: false });
            await app.cradle.auditService.record({ actor: 'cli', action: `plugins.${action}`, target: `plugin:${id}` });
            process.stdout.write(`Plugin ${id} ${action}d. Restart Carillon (or use the admin UI) to apply it now.\n`);
          } catch (err) {
            throw new Error((err as { detail?: string }).detail ?? (err as Error).message);
          }
        });
      });
  }
}
