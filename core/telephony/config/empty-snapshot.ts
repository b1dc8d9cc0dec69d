import type { TelephonyConfigSnapshot } from './snapshot';

/**
 * The configuration of a system with no telephony resources (or none registered to provide
 * them): valid, empty files; no SIP transport until an administrator chooses its address.
 */
export function emptySnapshot(stasisApp: string): TelephonyConfigSnapshot {
  return {
    stasisApp,
    transports: { udpPort: 5060, tcpPort: 5060, wssEnabled: true, bindAddress: null, externalAddress: null, localNetworks: [] },
    extensions: [],
    trunks: [],
    inboundRoutes: [],
    outboundRoutes: [],
    restrictionClasses: [],
    ringGroups: [],
    schedules: [],
  };
}
