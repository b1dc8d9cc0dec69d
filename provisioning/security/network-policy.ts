import ipaddr from 'ipaddr.js';

/** The networks allowed to fetch provisioning files (configuration `provisioning.allowedNetworks`). */
export class NetworkPolicy {
  private readonly networks: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

  constructor(cidrs: string[]) {
    this.networks = cidrs.map((cidr) => ipaddr.parseCIDR(cidr));
  }

  /** `::ffff:192.168.1.20` counts as 192.168.1.20; an unparsable address is never allowed. */
  allows(ip: string): boolean {
    let address: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      address = ipaddr.process(ip.replace(/%.*$/, ''));
    } catch {
      return false;
    }
    return this.networks.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
  }
}

/** The client address in the form logs and bans use (IPv4-mapped IPv6 unwrapped). */
export function normaliseIp(ip: string): string {
  try {
    return ipaddr.process(ip.replace(/%.*$/, '')).toString();
  } catch {
    return ip;
  }
}
