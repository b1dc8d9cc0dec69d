import { Op } from 'sequelize';
import type { SettingsService } from '../settings/settings-service';
import type { TelephonyStatus } from '../telephony/engine-status';
import { Extension, InboundRoute, Trunk } from '../telephony/resources/models';
import type { FixLink } from './service-parts';
import type { SystemSettingsService } from './system-settings-service';

export type ChecklistItemId = 'company' | 'region' | 'asterisk' | 'extensions' | 'trunk' | 'did';

export interface ChecklistItem {
  id: ChecklistItemId;
  done: boolean;
  /** Where to do it. */
  fix: FixLink;
}

export interface FirstRunChecklist {
  items: ChecklistItem[];
  /** Every item done: the dashboard shows no checklist. */
  complete: boolean;
  /** An admin hid it before it was complete (a PBX with no trunk on purpose); it can be shown again. */
  dismissed: boolean;
}

export const CHECKLIST_DISMISSED_KEY = 'dashboard.checklistDismissed';

/**
 * What a new PBX needs before it carries its first call, each item read from the state itself
 * (settings, the Asterisk link, the telephony tables), never from a "step done" flag: deleting the
 * only trunk puts its item back.
 */
export class FirstRunChecklistService {
  constructor(
    private readonly deps: { systemSettings: SystemSettingsService; settings: SettingsService; telephonyStatus: TelephonyStatus },
  ) {}

  async get(): Promise<FirstRunChecklist> {
    const [settings, extensions, trunks, dids, dismissed] = await Promise.all([
      this.deps.systemSettings.get(),
      Extension.count(),
      Trunk.count(),
      InboundRoute.count({ where: { did: { [Op.ne]: null } } }),
      this.deps.settings.get<boolean>(CHECKLIST_DISMISSED_KEY),
    ]);
    const telephony = this.deps.telephonyStatus.snapshot;
    const items: ChecklistItem[] = [
      { id: 'company', done: settings.companyName.length > 0, fix: { page: '/admin/settings' } },
      { id: 'region', done: settings.regionConfirmed, fix: { page: '/admin/settings' } },
      { id: 'asterisk', done: telephony.connected, fix: { configKey: 'telephony.ari.url' } },
      { id: 'extensions', done: extensions > 0, fix: { page: '/telephony/extensions' } },
      { id: 'trunk', done: trunks > 0, fix: { page: '/telephony/trunks' } },
      { id: 'did', done: dids > 0, fix: { page: '/telephony/inbound-routes' } },
    ];
    return { items, complete: items.every((i) => i.done), dismissed: dismissed === true };
  }

  async setDismissed(dismissed: boolean): Promise<FirstRunChecklist> {
    if (dismissed) await this.deps.settings.set(CHECKLIST_DISMISSED_KEY, true);
    else await this.deps.settings.delete(CHECKLIST_DISMISSED_KEY);
    return this.get();
  }
}
