// Loaded first: swagger-client defines the global `log` replaced below when ari-client loads it.
import 'ari-client';
import type { Logger } from '../../logging/logger';

/**
 * swagger-client 2.0.26, ari-client's Swagger loader, prints through a global `log` function of
 * its own: `console.log([message])`, which put a three-line array (its "deprecated version of
 * Swagger" warning) into Carillon's JSON log at every connection, and it keeps every message in
 * `log.history` for ever. That function, not `console`, is replaced: its messages go to the
 * logger of the connection being made, one JSON line each, and nothing is kept.
 */
const DEPRECATION = /deprecated version of Swagger/;
const loggers: Logger[] = [];
let installed = false;

function describe(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (arg instanceof Error) return arg.message;
  // An XMLHttpRequest-like object on a failed request: its status, not the object.
  if (arg && typeof arg === 'object' && 'status' in arg) return `status ${String((arg as { status: unknown }).status)}`;
  return typeof arg;
}

function install(): void {
  if (installed) return;
  installed = true;
  (globalThis as { log?: unknown }).log = (...args: unknown[]) => {
    const logger = loggers.at(-1);
    if (!logger) return;
    const message = args.map(describe).join(' ');
    // The deprecation warning is expected with every Asterisk (ARI still serves Swagger 1.2).
    if (DEPRECATION.test(message)) logger.debug({ library: 'swagger-client' }, message);
    else logger.warn({ library: 'swagger-client' }, message);
  };
}

/** Sends what swagger-client prints to `logger` until the returned function is called. */
export function swaggerLogTo(logger: Logger): () => void {
  install();
  loggers.push(logger);
  return () => {
    const index = loggers.lastIndexOf(logger);
    if (index >= 0) loggers.splice(index, 1);
  };
}
