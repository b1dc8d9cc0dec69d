import type { KeyType } from '../../models';
import type { ModelCapabilities } from '../vendor';

const KEY_TYPES: KeyType[] = ['line', 'blf', 'speed_dial', 'park'];
/** A GBX20 module: 20 keys on two pages. */
const GBX20_KEYS = 40;

function grp(model: string, family: string, accounts: number, phoneKeys: number, maxModules = 0): ModelCapabilities {
  return { model, family, accounts, phoneKeys, maxModules, keysPerModule: maxModules ? GBX20_KEYS : 0, keyTypes: KEY_TYPES };
}

/**
 * GRP26xx models from Grandstream's datasheets: SIP accounts and digitally customisable keys
 * (VPKs, the keys the line, BLF, speed-dial and park functions go on). Expansion modules
 * (GBX20) plug into the GRP2615, 2624, 2650 and 2670, up to 4 (the firmware template's
 * "EXT" keys apply to these models only).
 */
export const GRANDSTREAM_MODELS: ModelCapabilities[] = [
  grp('GRP2601', 'grp260x', 2, 0),
  grp('GRP2602', 'grp260x', 2, 4),
  grp('GRP2603', 'grp260x', 3, 6),
  grp('GRP2604', 'grp260x', 3, 10),
  grp('GRP2612', 'grp261x', 2, 16),
  grp('GRP2613', 'grp261x', 3, 24),
  grp('GRP2614', 'grp261x', 4, 24),
  grp('GRP2615', 'grp261x', 5, 40, 4),
  grp('GRP2616', 'grp261x', 6, 48),
  grp('GRP2624', 'grp262x', 8, 48, 4),
  grp('GRP2634', 'grp263x', 8, 48),
  grp('GRP2636', 'grp263x', 8, 48),
  grp('GRP2650', 'grp265x', 6, 48, 4),
  grp('GRP2670', 'grp267x', 12, 72, 4),
];

export function grandstreamModel(model: string | null): ModelCapabilities | null {
  if (!model) return null;
  const upper = model.toUpperCase();
  // Variants (GRP2612W, GRP2601P, GRP2612G) take the base model's capabilities.
  return GRANDSTREAM_MODELS.find((m) => upper === m.model) ?? GRANDSTREAM_MODELS.find((m) => upper.startsWith(m.model)) ?? null;
}
