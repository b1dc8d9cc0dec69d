import { can } from '../../shell/session';
import type { PageEntry } from '../registry';

/** Each part of the page has its own permission: the entry names whichever the user holds, so anyone who may see a part sees the page. */
const PERMISSIONS = ['telephony.read', 'provisioning.read', 'users.read'];

export const pages: PageEntry[] = [
  {
    id: 'security',
    path: '/admin/security',
    titleKey: 'page.security',
    get permission() {
      return PERMISSIONS.find((p) => can(p)) ?? PERMISSIONS[0];
    },
    section: 'administration',
    order: 70,
    load: () => import('./SecurityPage'),
  },
];
