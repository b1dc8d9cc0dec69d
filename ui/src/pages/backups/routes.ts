import type { PageEntry } from '../registry';

export const pages: PageEntry[] = [
  { id: 'backups', path: '/admin/backups', titleKey: 'page.backups', permission: 'system.backup', section: 'administration', order: 60, load: () => import('./BackupsPage') },
];
