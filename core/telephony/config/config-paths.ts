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

/** `telephony.fail2banDir`: where the SIP jail's ignoreip is written (default `<dataDir>/fail2ban`). */
export function fail2banDir(config: CarillonConfig): string {
  return path.resolve(config.telephony.fail2banDir ?? path.join(config.resolved.dataDir, 'fail2ban'));
}
