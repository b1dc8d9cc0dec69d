// Loaded by mocha before any spec (see .mocharc.json).
import { testDatabaseTarget } from './support/database';

process.env.CARILLON_LOG_LEVEL ??= 'silent';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(10_000);
    const target = await testDatabaseTarget();
    process.stdout.write(`Test database: ${target.description}\n`);
  },
};
