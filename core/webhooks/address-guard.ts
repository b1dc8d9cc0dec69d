import dns from 'node:dns';
import net from 'node:net';

/** Why an address may not receive webhooks (stable codes, shown in the delivery log). */
export type RefusedKind = 'metadata' | 'loopback' | 'link_local' | 'private' | 'unspecified' | 'multicast' | 'reserved';

/** Cloud metadata services: never a webhook target, whatever the settings (they hand out credentials). */
const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254', '169.254.170.2', '100.100.100.200']);

function ipv4Kind(address: string): RefusedKind | null {
  const [a, b] = address.split('.').map(Number) as [number, number, number, number];
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return 'link_local';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return 'reserved';
  return null;
}

function ipv6Kind(address: string): RefusedKind | null {
  const lower = address.toLowerCase();
  // IPv4-mapped (::ffff:10.0.0.1) and the NAT64 well-known prefix carry an IPv4 address.
  const mapped = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return ipv4Kind(mapped[1]!);
  if (lower === '::') return 'unspecified';
  if (lower === '::1') return 'loopback';
  if (/^fe[89ab]/.test(lower)) return 'link_local';
  if (/^f[cd]/.test(lower)) return 'private';
  if (lower.startsWith('ff')) return 'multicast';
  return null;
}

/**
 * Whether a webhook may be sent to this IP address. The appliance sits in a LAN: by default only
 * public addresses are allowed, so a subscription cannot make Carillon probe the LAN, itself or a
 * metadata service. `allowPrivate` (an admin's explicit setting) opens private, loopback and
 * link-local ranges for a CRM inside the LAN; metadata addresses stay refused.
 */
export function refusedAddress(address: string, allowPrivate: boolean): RefusedKind | null {
  const family = net.isIP(address);
  if (!family) return 'reserved';
  const normalised = family === 6 ? address.toLowerCase().replace(/^\[|\]$/g, '') : address;
  if (METADATA.has(normalised)) return 'metadata';
  const kind = family === 4 ? ipv4Kind(normalised) : ipv6Kind(normalised);
  if (!kind) return null;
  if (allowPrivate && (kind === 'private' || kind === 'loopback' || kind === 'link_local')) return null;
  return kind;
}

export class RefusedAddressError extends Error {
  readonly code = 'address_refused';
  constructor(
    readonly address: string,
    readonly kind: RefusedKind,
  ) {
    super(`The address ${address} is ${kind.replace('_', '-')}: webhooks to it are refused (allow private networks in the webhook settings for a receiver inside the LAN)`);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that resolves the name and refuses it when any of its addresses is
 * refused: the socket connects to an address checked at that very moment (no DNS rebinding between
 * a check and the connection).
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const list = addresses as dns.LookupAddress[];
      for (const { address } of list) {
        const kind = refusedAddress(address, allowPrivate);
        if (kind) return callback(new RefusedAddressError(address, kind) as unknown as NodeJS.ErrnoException, '');
      }
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
      callback(null, first.address, first.family);
    });
  };
}

/** Resolves a host (or takes an IP literal) and says whether it is refused: for checking a URL when an admin saves it. */
export async function checkHost(hostname: string, allowPrivate: boolean): Promise<RefusedAddressError | null> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(bare) ? [bare] : await dns.promises.lookup(bare, { all: true }).then((list) => list.map((a) => a.address), () => []);
  for (const address of addresses) {
    const kind = refusedAddress(address, allowPrivate);
    if (kind) return new RefusedAddressError(address, kind);
  }
  return null;
}
