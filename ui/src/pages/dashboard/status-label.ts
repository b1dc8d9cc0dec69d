import { hasString, t } from '../../lib/i18n';

export function statusLabel(status: string): string {
  return hasString(`callStatus.${status}`) ? t(`callStatus.${status}`) : status.replace(/_/g, ' ');
}
