import { http } from '../../lib/api';
import { useLoad } from '../../lib/components';

/** The provisioning API's shapes (`/api/provisioning`), as the phones pages read them. */

export const PROVISIONING_API = '/api/provisioning';
/** What changes a phone's row: it asked for its file, was assigned, was taken off its extensions. */
export const DEVICE_EVENTS = ['provisioning.deviceSeen', 'provisioning.deviceAssigned', 'provisioning.deviceDissociated'];

export type KeyType = 'line' | 'blf' | 'speed_dial' | 'park';

export interface ProgrammableKey {
  where: 'phone' | 'module';
  module: number | null;
  index: number;
  type: KeyType;
  value: string;
  label: string;
  account: number;
}

export interface ModelCapabilities {
  model: string;
  family: string;
  accounts: number;
  phoneKeys: number;
  maxModules: number;
  keysPerModule: number;
  keyTypes: KeyType[];
}

export type ClaimState = 'waiting_for_phone' | 'claimed' | 'window_closed';

export interface Device {
  id: number;
  mac: string;
  macAddress: string;
  vendor: string;
  model: string | null;
  firmware: string | null;
  status: 'unassigned' | 'assigned';
  label: string;
  language: string;
  timeZone: string | null;
  lcdDisplay: 'name' | 'number';
  vlan: { id: number; priority: number } | null;
  expansionModules: number;
  accounts: Array<{ position: number; extensionId: number; number: string; name: string }>;
  keys: ProgrammableKey[];
  extraValues: Record<string, string>;
  credentialsConfirmed: boolean;
  /** How an assigned phone takes its secrets (null while unassigned). */
  claim: { state: ClaimState; windowUntil: string | null; claimedAt: string | null; claimedFromIp: string | null } | null;
  lastIp: string | null;
  lastUserAgent: string | null;
  lastFile: string | null;
  lastFetchAt: string | null;
  lastRebootAt: string | null;
  capabilities: ModelCapabilities | null;
}

export interface VendorModels {
  vendor: string;
  name: string;
  macPrefixes: string[];
  models: ModelCapabilities[];
}

/** Display languages the phones offer (`auto` follows the phone). */
export const LANGUAGES = ['auto', 'fr', 'en', 'de', 'es', 'it', 'nl', 'pt', 'ar', 'cz', 'he', 'hr', 'hu', 'ja', 'ko', 'lv', 'pl', 'ru', 'se', 'sl', 'tr', 'zh', 'zh-tw'];

export function useModels() {
  return useLoad((signal) => http.get<{ items: VendorModels[] }>(`${PROVISIONING_API}/models`, undefined, signal).then((r) => r.items), []);
}

/** "Grandstream GRP2614" or the vendor alone while the model is unknown. */
export function modelName(device: Pick<Device, 'vendor' | 'model'>, vendors: VendorModels[] | null): string {
  const vendor = vendors?.find((v) => v.vendor === device.vendor)?.name ?? device.vendor;
  return device.model ? `${vendor} ${device.model}` : vendor;
}
