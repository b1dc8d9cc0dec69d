import { ApiError, http, onSessionExpired, setCsrfToken } from '../lib/api';
import { setPreferences, type Locale, type NumberDisplay } from '../lib/i18n';
import { connect, disconnect, onConnectionRefused } from '../lib/socket';
import { createStore } from '../lib/store';

/** Who is logged in, with what permissions; drives the whole shell. */

export interface CurrentUser {
  id: number;
  email: string;
  displayName: string;
  locale: Locale;
  timeZone: string;
  numberDisplay: NumberDisplay;
  roles: string[];
  totpEnabled: boolean;
  lastLoginAt: string | null;
}

export interface MeResponse {
  user: CurrentUser;
  permissions: string[];
  csrfToken: string | null;
  via: 'session' | 'token';
  /** The system's default region (ISO 3166 code): national number display is for its numbers. */
  region?: string;
}

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; reason?: 'expired' | 'loggedOut'; setupNeeded?: boolean }
  | { status: 'authenticated'; user: CurrentUser; permissions: ReadonlySet<string> };

export const session = createStore<SessionState>({ status: 'loading' });

export function can(permission: string | null | undefined): boolean {
  if (!permission || permission === 'authenticated' || permission === 'public') return true;
  const state = session.get();
  return state.status === 'authenticated' && state.permissions.has(permission);
}

export function currentUser(): CurrentUser | null {
  const state = session.get();
  return state.status === 'authenticated' ? state.user : null;
}

async function setupNeeded(): Promise<boolean> {
  try {
    return (await http.get<{ needed: boolean }>('/api/setup')).needed;
  } catch {
    return false;
  }
}

function applyMe(me: MeResponse): void {
  setCsrfToken(me.csrfToken);
  // Every user gets the region from /me, not only those who may read the system settings.
  setPreferences({ locale: me.user.locale, timeZone: me.user.timeZone, numberDisplay: me.user.numberDisplay, ...(me.region ? { region: me.region } : {}) });
  session.set({ status: 'authenticated', user: me.user, permissions: new Set(me.permissions) });
  connect();
}

/** Reads the session from the cookie (page load). */
export async function loadSession(): Promise<void> {
  try {
    applyMe(await http.get<MeResponse>('/api/auth/me'));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      session.set({ status: 'anonymous', setupNeeded: await setupNeeded() });
      return;
    }
    throw err;
  }
}

/** Re-reads the user and permissions (after a profile change). */
export async function refreshSession(): Promise<void> {
  applyMe(await http.get<MeResponse>('/api/auth/me'));
}

export async function login(input: { email: string; password: string; totpCode?: string }): Promise<void> {
  const opened = await http.post<{ csrfToken: string }>('/api/auth/login', { email: input.email, password: input.password, ...(input.totpCode ? { totpCode: input.totpCode } : {}) });
  setCsrfToken(opened.csrfToken);
  applyMe(await http.get<MeResponse>('/api/auth/me'));
}

export async function logout(): Promise<void> {
  try {
    await http.post('/api/auth/logout');
  } catch (err) {
    // An already-ended session is the outcome we want.
    if (!(err instanceof ApiError && err.status === 401)) throw err;
  }
  endSession('loggedOut');
}

function endSession(reason: 'expired' | 'loggedOut'): void {
  setCsrfToken(null);
  disconnect();
  session.set({ status: 'anonymous', reason });
}

onSessionExpired(() => {
  if (session.get().status === 'authenticated') endSession('expired');
});

// The socket learns of an ended session before any API call does: one call makes the shell say so.
onConnectionRefused(() => {
  if (session.get().status === 'authenticated') void http.get('/api/auth/me').catch(() => undefined);
});
