import type { CallDestinationRegistry } from './call-destinations';
import type { PublicHolidays } from './holidays';
import type { ExtensionBulkService } from './extension-bulk-service';
import type { ExtensionService } from './extension-service';
import type { InboundRouteService } from './inbound-route-service';
import type { OutboundRouteService } from './outbound-route-service';
import type { RestrictionClassService } from './restriction-class-service';
import type { RingGroupService } from './ring-group-service';
import type { ScheduleService } from './schedule-service';
import type { TelephonySettings } from './settings';
import type { TrunkService } from './trunk-service';

/** The telephony resource services, as the routes see them. */
export interface TelephonyResources {
  extensions: ExtensionService;
  /** Ranges and CSV imports of extensions, all or nothing; the CSV export. */
  extensionBulk: ExtensionBulkService;
  trunks: TrunkService;
  inboundRoutes: InboundRouteService;
  outboundRoutes: OutboundRouteService;
  restrictionClasses: RestrictionClassService;
  ringGroups: RingGroupService;
  schedules: ScheduleService;
  /** Countries, regions and public holidays (date-holidays), for schedules and the country picker. */
  publicHolidays: PublicHolidays;
  settings: TelephonySettings;
  callDestinations: CallDestinationRegistry;
}
