import type { Extension } from '../../core/telephony/resources/models';
import { formatMac } from '../mac';
import type { Device, DeviceAccount, ExtraValues, LcdDisplay, ProgrammableKey } from '../models';
import type { ModelCapabilities } from '../vendors/vendor';

export type ClaimState = 'waiting_for_phone' | 'claimed' | 'window_closed';

function claimState(device: Device, now = Date.now()): ClaimState {
  if (device.claimedAt) return 'claimed';
  return device.claimWindowUntil && device.claimWindowUntil.getTime() > now ? 'waiting_for_phone' : 'window_closed';
}

export interface DeviceView {
  id: number;
  mac: string;
  /** `c0:74:ad:12:34:56`, for people. */
  macAddress: string;
  vendor: string;
  model: string | null;
  firmware: string | null;
  status: 'unassigned' | 'assigned';
  label: string;
  language: string;
  timeZone: string | null;
  lcdDisplay: LcdDisplay;
  vlan: { id: number; priority: number } | null;
  expansionModules: number;
  /** Microphone levels in dB (-6, 0, +6). */
  audio: { handsetMicGainDb: number; headsetMicGainDb: number };
  accounts: Array<{ position: number; extensionId: number; number: string; name: string }>;
  keys: ProgrammableKey[];
  extraValues: ExtraValues;
  /** True once the phone fetched its file with its config-server credentials. */
  credentialsConfirmed: boolean;
  /**
   * How an assigned phone takes its secrets (null for unassigned phones): `waiting_for_phone`
   * until `windowUntil` (its first fetch on the secret path claims it), `claimed` (by the fetch
   * from `claimedFromIp` at `claimedAt`; from then on only its credentials open its files), or
   * `window_closed` (nothing secret is served; reopen the window).
   */
  claim: { state: ClaimState; windowUntil: string | null; claimedAt: string | null; claimedFromIp: string | null } | null;
  lastIp: string | null;
  lastUserAgent: string | null;
  lastFile: string | null;
  lastFetchAt: string | null;
  lastRebootAt: string | null;
  capabilities: ModelCapabilities | null;
  createdAt: string;
  updatedAt: string;
}

export function deviceView(device: Device, accounts: Array<{ account: DeviceAccount; extension: Extension }>, capabilities: ModelCapabilities | null): DeviceView {
  return {
    id: device.id,
    mac: device.mac,
    macAddress: formatMac(device.mac),
    vendor: device.vendor,
    model: device.model,
    firmware: device.firmware,
    status: device.status,
    label: device.label,
    language: device.language,
    timeZone: device.timeZone,
    lcdDisplay: device.lcdDisplay,
    vlan: device.vlanId === null ? null : { id: device.vlanId, priority: device.vlanPriority },
    expansionModules: device.expansionModules,
    audio: { handsetMicGainDb: device.handsetMicGainDb, headsetMicGainDb: device.headsetMicGainDb },
    accounts: accounts
      .sort((a, b) => a.account.position - b.account.position)
      .map(({ account, extension }) => ({ position: account.position, extensionId: extension.id, number: extension.number, name: extension.name })),
    keys: device.programmableKeys,
    extraValues: device.extraValues,
    credentialsConfirmed: device.credentialsConfirmedAt !== null,
    claim:
      device.status === 'assigned'
        ? { state: claimState(device), windowUntil: device.claimWindowUntil?.toISOString() ?? null, claimedAt: device.claimedAt?.toISOString() ?? null, claimedFromIp: device.claimedFromIp }
        : null,
    lastIp: device.lastIp,
    lastUserAgent: device.lastUserAgent,
    lastFile: device.lastFile,
    lastFetchAt: device.lastFetchAt?.toISOString() ?? null,
    lastRebootAt: device.lastRebootAt?.toISOString() ?? null,
    capabilities,
    createdAt: device.createdAt.toISOString(),
    updatedAt: device.updatedAt.toISOString(),
  };
}
