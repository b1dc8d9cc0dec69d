// Global test setup: loaded by mocha before any spec (see .mocharc.json).
process.env.CARILLON_LOG_LEVEL ??= 'silent';
