import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../config/load';
import { Carillon } from '../app';
import { CarillonRunner } from '../server-runner';
import { VERSION } from '../version';
import { migrateCommands } from './migrate-commands';
import { pluginCommands } from './plugin-commands';
import { userCommands } from './user-commands';
import { backupCommands } from './backup-commands';
import { setupLinkCommand } from './setup-link-command';
import { CliError } from './cli-context';

async function start(): Promise<void> {
  // Read again at each (re)start: a restore from the web UI may have replaced the configuration file.
  const runner = new CarillonRunner(
    (port) => {
      const config = loadConfig();
      if (port !== null && config.http.port === 0) config.http.port = port;
      return Carillon.create(config);
    },
    (err) => {
      // The restarted Carillon could not start: exit non-zero, systemd starts it again (Restart=on-failure).
      process.stderr.write(`Carillon could not start again after a restart: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const logger = runner.app.logger;
    logger.info({ signal }, 'shutting down');
    runner.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  await runner.start();
}

export function buildProgram(): Command {
  const program = new Command('carillon').description('Carillon IPBX').version(VERSION).exitOverride();
  program.command('start').description('Start the server (migrates the database first)').action(start);
  migrateCommands(program);
  pluginCommands(program);
  userCommands(program);
  backupCommands(program);
  setupLinkCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    const message = err instanceof ConfigError || err instanceof CliError ? err.message : `Error: ${(err as Error).message}`;
    process.stderr.write(`${message}\n`);
    process.exit(err instanceof ConfigError ? 78 : 1);
  }
}

if (require.main === module) void main(process.argv);
