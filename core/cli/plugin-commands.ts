import type { Command } from 'commander';
import type { PluginInfo } from '../plugins/plugin-host';
import { readRunningReport } from '../plugins/runtime-report';
import { withCarillon } from './cli-context';

/** A plugin as `plugin list` shows it: the running server's state when one serves, this process's view otherwise. */
export type ListedPlugin = PluginInfo & { stateFrom: 'server' | 'configuration' };

/**
 * The CLI never starts plugins, so its own view can only say whether a plugin is disabled, fails
 * before starting (manifest, dependencies, register) or would start (`stopped`). Only the serving
 * process knows whether `start()` succeeded: when one is running, its recorded states win.
 */
export async function listedPlugins(local: PluginInfo[]): Promise<{ plugins: ListedPlugin[]; server: { host: string; pid: number; startedAt: string } | null }> {
  const report = await readRunningReport();
  const served = new Map(report?.plugins.map((p) => [p.id, p]) ?? []);
  const plugins = local.map((plugin): ListedPlugin => {
    const running = served.get(plugin.id);
    return running ? { ...plugin, state: running.state, error: running.error, stateFrom: 'server' } : { ...plugin, stateFrom: 'configuration' };
  });
  return { plugins, server: report ? { host: report.server.host, pid: report.server.pid, startedAt: report.server.startedAt } : null };
}

/** The terminal's language (LC_ALL, LC_MESSAGES, LANG): French names for a French terminal. */
export function terminalLocale(env: NodeJS.ProcessEnv = process.env): 'en' | 'fr' {
  const lang = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return lang.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

function describe(p: ListedPlugin): string {
  const state = p.error ? `failed: ${p.error.code}: ${p.error.message}` : p.state === 'stopped' ? 'enabled, not running' : p.state;
  // `enable`/`disable` from the CLI apply at the next start: say so while the server still runs the old choice.
  const pending = p.stateFrom === 'server' && p.enabled !== (p.state !== 'disabled') ? ` (${p.enabled ? 'enabled' : 'disabled'} at next start)` : '';
  return `${state}${pending}`;
}

export function pluginCommands(program: Command): void {
  const plugin = program.command('plugin').description('Installed plugins');

  plugin
    .command('list')
    .description('Plugins with version, state and error (as the running Carillon has them, when one runs)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withCarillon({ migrate: false }, async (app) => {
        const { plugins, server } = await listedPlugins(app.cradle.pluginHost.list());
        if (options.json) {
          process.stdout.write(`${JSON.stringify(plugins, null, 2)}\n`);
          return;
        }
        process.stdout.write(server ? `Carillon is running (pid ${server.pid} on ${server.host}, since ${server.startedAt}).\n` : 'Carillon is not running: states are what the next start will try.\n');
        if (!plugins.length) process.stdout.write('No plugin installed.\n');
        const locale = terminalLocale();
        for (const p of plugins) {
          const name = p.displayName ? `  ${p.displayName[locale] ?? p.displayName.en}` : '';
          process.stdout.write(`${p.id.padEnd(24)} ${(p.version ?? '-').padEnd(10)} ${p.source.padEnd(8)} ${describe(p)}${name}\n`);
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
