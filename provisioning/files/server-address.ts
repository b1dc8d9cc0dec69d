import os from 'node:os';
import ipaddr from 'ipaddr.js';

/**
 * The address of this machine on the client's network: the interface whose subnet holds the
 * client, so a phone that came over TFTP is sent to an HTTP address it can reach. Loopback
 * clients get loopback; with no match, the first non-internal IPv4 address.
 */
export function localAddressFor(clientIp: string, interfaces = os.networkInterfaces()): string {
  let client: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    client = ipaddr.process(clientIp);
  } catch {
    return '127.0.0.1';
  }
  if (client.range() === 'loopback') return client.kind() === 'ipv4' ? '127.0.0.1' : '::1';
  const all = Object.values(interfaces).flatMap((list) => list ?? []);
  for (const entry of all) {
    if (entry.internal || !entry.cidr) continue;
    const [network, bits] = ipaddr.parseCIDR(entry.cidr);
    if (network.kind() === client.kind() && client.match(network, bits)) return entry.address;
  }
  return all.find((e) => !e.internal && e.family === 'IPv4')?.address ?? '127.0.0.1';
}

/** `host:port` with IPv6 addresses bracketed, the form a config-server path takes. */
export function hostPort(host: string, port: number | null): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === null || port === 80 ? bracketed : `${bracketed}:${port}`;
}
