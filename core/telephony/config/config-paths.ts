import path from 'node:path';
import type { CarillonConfig } from '../../config/schema';

/** `telephony.configDir`: where the generated files go (default `<dataDir>/asterisk`). */
export function generatedConfigDir(config: CarillonConfig): string {
  return path.resolve(config.telephony.configDir ?? path.join(config.resolved.dataDir, 'asterisk'));
}

/** `telephony.recordingsSpoolDir`: where MixMonitor writes (default `<dataDir>/recordings-spool`). */
export function recordingsSpoolDir(config: CarillonConfig): string {
  return path.resolve(config.telephony.recordingsSpoolDir ?? path.join(config.resolved.dataDir, 'recordings-spool'));
}
