import { expect } from 'chai';
import type { ApiClient, ApiResponse } from '../../support/api-client';
import { ADMIN, startTestApp, type TestApp } from '../../support/test-app';

export const API = '/api/telephony';

/** A running Carillon with a logged-in administrator. */
export async function startResourcesApp(): Promise<{ t: TestApp; admin: ApiClient }> {
  const t = await startTestApp();
  return { t, admin: await t.adminClient() };
}

/** A logged-in client holding only the given built-in role. */
export async function clientWithRole(t: TestApp, admin: ApiClient, role: string): Promise<ApiClient> {
  const email = `${role}-${Math.random().toString(36).slice(2)}@example.test`;
  const created = await admin.post('/api/users', { email, displayName: role, password: ADMIN.password, roles: [role] });
  if (created.status !== 201) throw new Error(`user creation failed: ${created.text}`);
  const client = t.client();
  const login = await client.login(email, ADMIN.password);
  if (login.status !== 200) throw new Error(`login failed: ${login.text}`);
  return client;
}

/** Asserts a 2xx answer and returns its body. */
export function ok<T = any>(res: ApiResponse<T>, status = 200): T {
  expect(res.status, res.text).to.equal(status);
  return res.body;
}

/** Asserts a 422 and returns the fields with their codes, e.g. { 'body.number': 'duplicate' }. */
export function fieldErrors(res: ApiResponse): Record<string, string> {
  expect(res.status, res.text).to.equal(422);
  expect(res.body.code).to.equal('validation_failed');
  return Object.fromEntries((res.body.errors as Array<{ field: string; code: string }>).map((e) => [e.field, e.code]));
}

export async function createExtension(admin: ApiClient, number: string, extra: Record<string, unknown> = {}): Promise<any> {
  return ok(await admin.post(`${API}/extensions`, { number, name: `Poste ${number}`, ...extra }), 201);
}
