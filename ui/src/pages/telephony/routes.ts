import type { PageEntry } from '../registry';

/** Telephony resources: each page its own chunk, seen with `telephony.read`, changed with `telephony.manage`. */
export const pages: PageEntry[] = [
  { id: 'extensions', path: '/telephony/extensions', titleKey: 'page.extensions', permission: 'telephony.read', section: 'telephony', order: 10, load: () => import('./ExtensionsPage') },
  { id: 'trunks', path: '/telephony/trunks', titleKey: 'page.trunks', permission: 'telephony.read', section: 'telephony', order: 20, load: () => import('./TrunksPage') },
  { id: 'inbound-routes', path: '/telephony/inbound-routes', titleKey: 'page.inboundRoutes', permission: 'telephony.read', section: 'telephony', order: 30, load: () => import('./InboundRoutesPage') },
  { id: 'outbound-routes', path: '/telephony/outbound-routes', titleKey: 'page.outboundRoutes', permission: 'telephony.read', section: 'telephony', order: 40, load: () => import('./OutboundRoutesPage') },
  { id: 'ring-groups', path: '/telephony/ring-groups', titleKey: 'page.ringGroups', permission: 'telephony.read', section: 'telephony', order: 50, load: () => import('./RingGroupsPage') },
  { id: 'schedules', path: '/telephony/opening-hours', titleKey: 'page.schedules', permission: 'telephony.read', section: 'telephony', order: 60, load: () => import('./SchedulesPage') },
  { id: 'telephony-settings', path: '/telephony/settings', titleKey: 'page.telephonySettings', permission: 'telephony.read', section: 'telephony', order: 90, load: () => import('./TelephonySettingsPage') },
  { id: 'restriction-classes', path: '/telephony/restriction-classes', titleKey: 'page.restrictionClasses', permission: 'telephony.read', section: 'telephony', order: 70, load: () => import('./RestrictionClassesPage') },
];
