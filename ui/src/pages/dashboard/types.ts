/** `GET /api/system/dashboard` (core/system/dashboard-service.ts): each part present only when the user may see it. */
export interface Dashboard {
  health?: Health;
  checklist?: Checklist;
  /** Null when Asterisk cannot be asked. */
  liveCalls?: LiveCall[] | null;
  registeredPhones?: number | null;
  today?: { byStatus: Record<string, number> };
}

export type PartState = 'ok' | 'down' | 'degraded' | 'not_configured' | 'unknown';
export type FixLink = { page: string } | { configKey: string };

export interface ServicePart {
  id: string;
  state: PartState;
  reason: string | null;
  detail: string | null;
  fix: FixLink | null;
}

export interface TrunkStatus {
  id: number;
  name: string;
  kind: 'operator' | 'peer';
  register: boolean;
  state: 'online' | 'offline' | 'unknown';
}

export interface HostFigures {
  version: string;
  uptimeSeconds: number;
  hostUptimeSeconds: number;
  disk: { path: string; totalBytes: number; freeBytes: number; usedPercent: number } | null;
  cpu: { cores: number; load1: number; load5: number; load15: number; loadPercent: number };
  memory: { totalBytes: number; availableBytes: number; usedPercent: number; processRssBytes: number };
}

export interface Health {
  status: 'ok' | 'degraded';
  system: HostFigures;
  parts: ServicePart[];
  trunks: TrunkStatus[];
  plugins: Array<{ id: string; state: string; error?: { code: string; message: string } }>;
}

export interface LiveCall {
  id: string;
  from: string;
  to: string;
  startedAt: string;
  state: 'up' | 'ringing';
  channelIds: string[];
}

export interface Checklist {
  items: Array<{ id: string; done: boolean; fix: FixLink }>;
  complete: boolean;
  dismissed: boolean;
}

/** What every dashboard card receives: the whole answer, and a way to reload it after an action. */
export interface CardProps {
  data: Dashboard;
  reload: () => void;
}
