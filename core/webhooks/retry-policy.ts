/** When a failed delivery is tried again, and when Carillon gives up. */
export interface RetryPolicy {
  /** Delay before the first retry; each retry doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
}

/** 30 s, 1 min, 2 min … doubling up to 4 h: 16 attempts span 14 to 28 hours with the jitter, about a day. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 30_000, maxDelayMs: 4 * 3600_000, maxAttempts: 16 };

/**
 * The delay after the `attempts`-th failed attempt, or null when it was the last. "Equal jitter":
 * half the exponential delay plus a random part of the other half, so the receivers that come back
 * after an outage are not hit by every subscription's retries at the same instant.
 */
export function retryDelay(policy: RetryPolicy, attempts: number, random: () => number = Math.random): number | null {
  if (attempts >= policy.maxAttempts) return null;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
