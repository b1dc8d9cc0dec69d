import { loadConfig } from '../config/load';
import { createLogger } from '../logging/logger';
import { Carillon } from '../app';

/** An error for a person at the terminal: its message is printed as is, and the exit is non-zero. */
export class CliError extends Error {}

/** Opens Carillon without serving, for commands that work on the database. Logs go to stderr. */
export async function openForCli(options: { migrate: boolean }): Promise<Carillon> {
  const config = loadConfig();
  const app = Carillon.create(config, { logger: createLogger(process.env.CARILLON_LOG_LEVEL ?? 'warn', process.stderr as never) });
  await app.open(options);
  return app;
}

/** Runs `work` on an opened Carillon and always closes the database afterwards. */
export async function withCarillon<T>(options: { migrate: boolean }, work: (app: Carillon) => Promise<T>): Promise<T> {
  const app = await openForCli(options);
  try {
    return await work(app);
  } finally {
    await app.cradle.sequelize.close();
  }
}
