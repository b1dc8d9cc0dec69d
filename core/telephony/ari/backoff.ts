export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
}

/** Delay before reconnect attempt `attempt` (0-based): doubles from the initial delay up to the cap. */
export function backoffDelay(options: BackoffOptions, attempt: number): number {
  return Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(attempt, 30));
}
