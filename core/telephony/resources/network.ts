import net from 'node:net';

/** Checks an address block such as 192.0.2.0/24 or 2001:db8::/32 (a bare address is a /32 or /128); returns the problem or null. */
export function checkCidr(value: string): string | null {
  const [address, prefix, extra] = value.split('/');
  if (extra !== undefined || !address) return 'an address or block such as 192.0.2.10 or 192.0.2.0/24';
  const family = net.isIP(address);
  if (!family) return `"${address}" is not an IPv4 or IPv6 address`;
  if (prefix === undefined) return null;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `the prefix length must be 0 to ${max}`;
  return null;
}
