import type { FunctionComponent } from 'preact';
import { ChecklistCard } from './ChecklistCard';
import { CountersCards, TodayCard } from './CountersCards';
import { HealthCard } from './HealthCard';
import { LiveCallsCard } from './LiveCallsCard';
import { SystemCard } from './SystemCard';
import { TrunksCard } from './TrunksCard';
import type { CardProps, Dashboard } from './types';

/**
 * One block of the dashboard. The page shows the cards whose `shows` is true, by `order`: more
 * cards (plugins' ones) are slotted in by adding entries, with no change to the page itself.
 */
export interface DashboardCard {
  id: string;
  order: number;
  /** Whether the card has something for this user (each part of the answer depends on permissions). */
  shows(data: Dashboard): boolean;
  component: FunctionComponent<CardProps>;
}

export const CORE_CARDS: DashboardCard[] = [
  { id: 'checklist', order: 0, shows: (d) => !!d.checklist && !d.checklist.complete, component: ChecklistCard },
  { id: 'health', order: 10, shows: (d) => !!d.health, component: HealthCard },
  { id: 'counters', order: 20, shows: (d) => d.liveCalls !== undefined || d.registeredPhones !== undefined || !!d.today, component: CountersCards },
  { id: 'live-calls', order: 30, shows: (d) => Array.isArray(d.liveCalls), component: LiveCallsCard },
  { id: 'trunks', order: 40, shows: (d) => !!d.health, component: TrunksCard },
  { id: 'today', order: 50, shows: (d) => !!d.today, component: TodayCard },
  { id: 'system', order: 60, shows: (d) => !!d.health, component: SystemCard },
];
