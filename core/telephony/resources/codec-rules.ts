import type { Codec } from '../config/snapshot';
import type { Problems } from './problems';
import type { TelephonySettings } from './settings';

export const DEFAULT_CODECS: Codec[] = ['g722', 'alaw', 'ulaw', 'opus'];

/** G.729 only where the appliance says Asterisk has it (setting `telephony.g729Available`). */
export async function checkCodecsAvailable(codecs: Codec[] | undefined, field: string, problems: Problems, settings: TelephonySettings): Promise<void> {
  if (!codecs) return;
  const index = codecs.indexOf('g729');
  if (index !== -1 && !(await settings.g729Available())) {
    problems.add(`${field}.${index}`, 'codec_unavailable', 'G.729 is not available on this appliance (setting telephony.g729Available).');
  }
}
