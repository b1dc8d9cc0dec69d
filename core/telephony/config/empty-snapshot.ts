import type { TelephonyConfigSnapshot } from './snapshot';

/**
 * The configuration of a system with no telephony resources (or none registered to provide
 * them): transports only, so Asterisk loads valid files and phones simply cannot register yet.
 */
export function emptySnapshot(stasisApp: string): TelephonyConfigSnapshot {
  return {
    stasisApp,
    transports: { udpPort: 5060, tcpPort: 5060, wssEnabled: true, bindAddress: '0.0.0.0', externalAddress: null, localNetworks: [] },
    extensions: [],
    trunks: [],
    inboundRoutes: [],
    outboundRoutes: [],
    restrictionClasses: [],
    ringGroups: [],
    schedules: [],
  };
}
