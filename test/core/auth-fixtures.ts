/** Helpers shared by the authentication, permission, audit and socket tests. */
import * as OTPAuth from 'otpauth';
import { expect } from 'chai';
import type { ApiClient, ApiResponse } from '../support/api-client';
import type { TestApp } from '../support/test-app';

let counter = 0;

/** A password that passes the strength rules and is unique, so a log search for it means something. */
export function strongPassword(): string {
  return `Zq8!${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 12)}`;
}

export interface CreatedUser {
  id: number;
  email: string;
  password: string;
  client: ApiClient;
}

/** Creates a user through the API as `admin`, then logs that user in on a fresh client. */
export async function createUser(t: TestApp, admin: ApiClient, roles: string[], prefix = 'user'): Promise<CreatedUser> {
  const email = `${prefix}-${++counter}@example.test`;
  const password = strongPassword();
  const res = await admin.post('/api/users', { email, displayName: prefix, password, roles });
  expect(res.status, res.text).to.equal(201);
  const client = t.client();
  const login = await client.login(email, password);
  expect(login.status, login.text).to.equal(200);
  return { id: res.body.id as number, email, password, client };
}

/** The current code of a base32 TOTP seed, computed like an authenticator app does. */
export function totpCode(secret: string, timestamp = Date.now()): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp });
}

export function expectProblem(res: ApiResponse, status: number, code: string): void {
  expect(res.status, res.text).to.equal(status);
  expect(res.headers.get('content-type')).to.match(/application\/problem\+json/);
  expect(res.body.code, res.text).to.equal(code);
}

/** Every log line of the app as one string, to search for secrets that must never be there. */
export function allLogs(t: TestApp): string {
  return t.logs.map((line) => JSON.stringify(line)).join('\n');
}
