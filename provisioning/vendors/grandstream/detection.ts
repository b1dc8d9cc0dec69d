import { parseMac } from '../../mac';
import type { DetectedPhone } from '../vendor';

/** Grandstream's OUIs. */
export const GRANDSTREAM_OUIS = ['000B82', 'C074AD', 'EC74D7'];

/**
 * Grandstream phones provision with a User-Agent such as
 * `Grandstream Model HW GRP2614 SW 1.0.9.103 DevId c074ad123456` and register with
 * `Grandstream GRP2614 1.0.5.67`; both forms are read.
 */
export function detectGrandstream(userAgent: string): DetectedPhone | null {
  if (!/grandstream/i.test(userAgent)) return null;
  const model = /\b((?:GRP|GXP|GXV|GHP|DP|WP)\d{3,4}[A-Z]{0,2})\b/i.exec(userAgent)?.[1]?.toUpperCase() ?? null;
  const firmware = /\bSW\s+(\d+(?:\.\d+){1,4})\b/i.exec(userAgent)?.[1] ?? (model ? new RegExp(`${model}\\s+(\\d+(?:\\.\\d+){1,4})\\b`, 'i').exec(userAgent)?.[1] : undefined) ?? null;
  const devId = /\bDevId\s+([0-9a-f:.-]{12,17})\b/i.exec(userAgent)?.[1];
  return { model, firmware, mac: devId ? parseMac(devId) : null };
}

/** `cfgc074ad123456.xml`, `cfgc074ad123456`, and the upper-case forms; null for other names (`cfg.xml`…). */
export function grandstreamConfigFileMac(fileName: string): string | null {
  const match = /^cfg([0-9a-f]{12})(\.xml)?$/i.exec(fileName);
  return match ? parseMac(match[1]!) : null;
}
