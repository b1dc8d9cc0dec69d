import type { PageEntry } from '../registry';

/** Desk phones (provisioning): the list with unassigned phones first, and one phone's page. */
export const pages: PageEntry[] = [
  { id: 'phones', path: '/phones', titleKey: 'page.phones', permission: 'provisioning.read', section: 'phones', order: 10, load: () => import('./PhonesPage') },
  { id: 'phone-models', path: '/phones/models', titleKey: 'page.phoneModels', permission: 'provisioning.read', section: 'phones', order: 20, load: () => import('./ModelsPage') },
  { id: 'phone', path: '/phones/:id', titleKey: 'page.phone', permission: 'provisioning.read', section: 'phones', nav: false, load: () => import('./PhoneDetailPage') },
];
