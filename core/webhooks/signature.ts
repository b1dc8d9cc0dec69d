import crypto from 'node:crypto';

/** The header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'Carillon-Signature';

/** Receivers should refuse signatures older than this (what `verifySignature` does by default). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Signs the exact bytes of a body with the subscription's secret; the timestamp is inside the MAC, so a replayed request ages out. */
export function signatureHeader(secret: string, body: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  const mac = crypto.createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
  return `t=${t},v1=${mac}`;
}

/**
 * What a receiver does (written here for the tests and as the reference for docs/webhooks.md):
 * parse `t` and every `v1`, recompute, compare in constant time, refuse old timestamps.
 */
export function verifySignature(secret: string, body: string, header: string, now: Date = new Date(), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): boolean {
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = Number(parts.find(([key]) => key === 't')?.[1]);
  const candidates = parts.filter(([key]) => key === 'v1').map(([, value]) => value ?? '');
  if (!Number.isInteger(t) || !candidates.length) return false;
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(crypto.createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex'));
  return candidates.some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
}
