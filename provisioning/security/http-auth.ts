import { createHash, randomBytes } from 'node:crypto';
import { safeEqual } from '../../core/security/secret-box';

export const REALM = 'Carillon provisioning';
const NONCE_TTL_MS = 5 * 60_000;
/** Outstanding challenges kept at most (a flood of unauthenticated requests evicts the oldest, never grows memory). */
const MAX_NONCES = 10_000;

export interface Credentials {
  username: string;
  password: string;
}

/** The Digest parameters an Authorization header claims, before they are checked (other schemes are not accepted). */
export type Presented = { username: string; params: Record<string, string> } | null;

/** `ok`: the right answer to a live challenge; `stale`: the right password on a nonce that is used up or expired (ask again); `bad`: anything else. */
export type Verdict = 'ok' | 'stale' | 'bad';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

function parseDigestParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  const re = /([a-zA-Z]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let m = re.exec(text); m; m = re.exec(text)) params[m[1]!.toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  return params;
}

/** Digest only: Basic would hand the password to anyone on the wire and could be replayed for ever. */
export function parseAuthorization(header: string | undefined): Presented {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'digest') return null;
  const params = parseDigestParams(header.slice(space + 1).trim());
  return params.username ? { username: params.username, params } : null;
}

/**
 * HTTP Digest as Grandstream's config client does it (RFC 7616, MD5, qop=auth). Every nonce is
 * issued for one request URI, answers one request only, and expires: an answer seen on the
 * wire can be replayed neither later nor for another file. A right answer on a used or expired
 * nonce gets a fresh challenge marked `stale=true`, which clients answer without counting it
 * as a wrong password.
 */
export class HttpAuth {
  private readonly nonces = new Map<string, { uri: string; expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  challenge(uri: string, stale = false): string {
    const now = this.now();
    for (const [nonce, issued] of this.nonces) {
      if (issued.expires > now && this.nonces.size < MAX_NONCES) break;
      this.nonces.delete(nonce);
    }
    const nonce = randomBytes(18).toString('base64url');
    this.nonces.set(nonce, { uri, expires: now + NONCE_TTL_MS });
    return `Digest realm="${REALM}", qop="auth", algorithm=MD5, nonce="${nonce}"${stale ? ', stale=true' : ''}`;
  }

  /** `uri` is the request's own target: an answer computed for another URI is refused. */
  verify(presented: Presented, expected: Credentials, method: string, uri: string): Verdict {
    if (!presented || !safeEqual(presented.username, expected.username)) return 'bad';
    const { params } = presented;
    if ((params.realm ?? '') !== REALM || params.uri !== uri) return 'bad';
    if (params.algorithm && params.algorithm.toUpperCase() !== 'MD5') return 'bad';
    const nonce = params.nonce ?? '';
    // Used once, whatever the answer: a wrong guess does not leave the nonce for the next one.
    const issued = this.nonces.get(nonce);
    this.nonces.delete(nonce);
    const ha1 = md5(`${expected.username}:${REALM}:${expected.password}`);
    const ha2 = md5(`${method}:${uri}`);
    const response = params.qop === 'auth' ? md5(`${ha1}:${nonce}:${params.nc ?? ''}:${params.cnonce ?? ''}:auth:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
    if (!safeEqual(response, (params.response ?? '').toLowerCase())) return 'bad';
    if (!issued || issued.uri !== uri || issued.expires <= this.now()) return 'stale';
    return 'ok';
  }
}
