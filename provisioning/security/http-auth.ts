import { createHash, createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '../../core/security/secret-box';

export const REALM = 'Carillon provisioning';
const NONCE_TTL_MS = 5 * 60_000;

export interface Credentials {
  username: string;
  password: string;
}

/** What the Authorization header claims, before it is checked. */
export type Presented = { scheme: 'basic'; username: string; password: string } | { scheme: 'digest'; username: string; params: Record<string, string> } | null;

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

function parseDigestParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  const re = /([a-zA-Z]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let m = re.exec(text); m; m = re.exec(text)) params[m[1]!.toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  return params;
}

export function parseAuthorization(header: string | undefined): Presented {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const rest = header.slice(space + 1).trim();
  if (scheme === 'basic') {
    const decoded = Buffer.from(rest, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    return { scheme: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (scheme === 'digest') {
    const params = parseDigestParams(rest);
    return params.username ? { scheme: 'digest', username: params.username, params } : null;
  }
  return null;
}

/**
 * HTTP authentication as Grandstream's config client does it (RFC 7616 Digest with MD5 and
 * qop=auth, or Basic). Nonces are stateless: a timestamp signed with a per-process key.
 */
export class HttpAuth {
  private readonly key = randomBytes(32);

  constructor(private readonly now: () => number = Date.now) {}

  challenges(): string[] {
    const stamp = this.now().toString(36);
    const nonce = `${stamp}.${createHmac('sha256', this.key).update(stamp).digest('base64url')}`;
    return [`Digest realm="${REALM}", qop="auth", algorithm=MD5, nonce="${nonce}"`, `Basic realm="${REALM}", charset="UTF-8"`];
  }

  verify(presented: Presented, expected: Credentials, method: string): boolean {
    if (!presented || !safeEqual(presented.username, expected.username)) return false;
    if (presented.scheme === 'basic') return safeEqual(presented.password, expected.password);
    const { params } = presented;
    if (!this.validNonce(params.nonce ?? '')) return false;
    if (params.algorithm && params.algorithm.toUpperCase() !== 'MD5') return false;
    const ha1 = md5(`${expected.username}:${params.realm ?? REALM}:${expected.password}`);
    const ha2 = md5(`${method}:${params.uri ?? ''}`);
    const response =
      params.qop === 'auth' ? md5(`${ha1}:${params.nonce}:${params.nc ?? ''}:${params.cnonce ?? ''}:auth:${ha2}`) : md5(`${ha1}:${params.nonce}:${ha2}`);
    return (params.realm ?? '') === REALM && safeEqual(response, (params.response ?? '').toLowerCase());
  }

  private validNonce(nonce: string): boolean {
    const [stamp, signature] = nonce.split('.');
    if (!stamp || !signature) return false;
    if (!safeEqual(signature, createHmac('sha256', this.key).update(stamp).digest('base64url'))) return false;
    const issued = parseInt(stamp, 36);
    return Number.isFinite(issued) && this.now() - issued < NONCE_TTL_MS && issued <= this.now();
  }
}
