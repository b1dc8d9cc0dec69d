import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, tempDir, type TestApp, ADMIN } from '../../support/test-app';
import type { ApiClient, ApiResponse } from '../../support/api-client';

export const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures', 'directory');
const PLUGIN = path.resolve(__dirname, '..', '..', '..', 'plugins', 'directory');

/** A bundled-plugins folder holding only `directory`, linked into place. */
export function directoryOnlyBundledDir(): string {
  const bundledDir = tempDir('carillon-bundled-');
  fs.symlinkSync(PLUGIN, path.join(bundledDir, 'directory'));
  return bundledDir;
}

/** Starts Carillon with only the bundled `directory` plugin, with the given plugin configuration. */
export async function startDirectoryApp(config: Record<string, unknown> = {}): Promise<TestApp> {
  return startTestApp({ bundledDir: directoryOnlyBundledDir(), overrides: { plugins: { config: { directory: config } } } });
}

export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

/** Posts raw bytes as the browser does (fetch with the session cookie and the CSRF header). */
export async function upload(client: ApiClient, body: Buffer | string, query = ''): Promise<ApiResponse> {
  const res = await fetch(`${client.baseUrl}/api/plugins/directory/imports${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', cookie: client.cookie ?? '', 'x-csrf-token': client.csrfToken ?? '' },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : null };
}

/** Uploads and applies; fails loudly when either step does not succeed. */
export async function importCsv(client: ApiClient, body: Buffer | string, query = ''): Promise<ApiResponse> {
  const plan = await upload(client, body, query);
  if (plan.status !== 201) throw new Error(`plan refused: ${plan.status} ${plan.text}`);
  const applied = await client.post(`/api/plugins/directory/imports/${plan.body.id}/apply`);
  if (applied.status !== 200) throw new Error(`apply refused: ${applied.status} ${applied.text}`);
  return applied;
}

export interface ContactSummary {
  key: string;
  firstName: string;
  lastName: string;
  company: string | null;
  defaultNumber: string | null;
  source: string;
}

export async function allContacts(client: ApiClient): Promise<ContactSummary[]> {
  const res = await client.get('/api/plugins/directory/contacts?limit=200');
  if (res.status !== 200) throw new Error(`list failed: ${res.status} ${res.text}`);
  return res.body.items as ContactSummary[];
}

/** A logged-in client holding only the given built-in role. */
export async function userWithRole(t: TestApp, admin: ApiClient, role: string): Promise<ApiClient> {
  const email = `${role}-${Date.now()}@example.test`;
  const created = await admin.post('/api/users', { email, displayName: role, password: ADMIN.password, roles: [role] });
  if (created.status !== 201) throw new Error(`user creation failed: ${created.text}`);
  const client = t.client();
  await client.login(email, ADMIN.password);
  return client;
}
