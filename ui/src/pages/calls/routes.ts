import { can } from '../../shell/session';
import type { PageEntry } from '../registry';

/**
 * The call log needs `calls.read` (every call) or `calls.read.own` (the calls of one's own
 * extensions): the entry names whichever of the two the user holds, so both see the page.
 */
const callLog: PageEntry = {
  id: 'calls',
  path: '/calls',
  titleKey: 'page.calls',
  get permission() {
    return can('calls.read') ? 'calls.read' : 'calls.read.own';
  },
  section: 'calls',
  order: 10,
  load: () => import('./CallLogPage'),
};

export const pages: PageEntry[] = [
  callLog,
  { id: 'registrations', path: '/calls/registrations', titleKey: 'page.registrations', permission: 'registrations.read', section: 'calls', order: 20, load: () => import('./RegistrationsPage') },
];
