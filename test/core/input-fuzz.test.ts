import { expect } from 'chai';
import type { ApiClient } from '../support/api-client';
import { createTestDatabase, testDatabaseTarget } from '../support/database';
import { startTestApp, tempDir, type TestApp } from '../support/test-app';
import { directoryOnlyBundledDir } from '../plugins/directory/directory-app';

interface Operation {
  method: string;
  path: string;
  parameters?: Array<{ name: string; in: 'path' | 'query'; schema?: JsonSchema }>;
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
}
interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** Control characters and broken Unicode a client can send; none may reach a query. */
const BAD = ['\u0000', '\u0001', '\u001b', '\u007f'];
const LONE_SURROGATE = '\ud800';

/** A body shaped like the route's schema, every string field holding `bad`. */
function bodyFor(schema: JsonSchema | undefined, bad: string, depth = 0): unknown {
  if (!schema || depth > 4) return `a${bad}b`;
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (variant) return bodyFor(variant, bad, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (schema.enum) return schema.enum[0];
  if (type === 'object' || schema.properties) {
    return Object.fromEntries(Object.entries(schema.properties ?? { name: {} }).map(([key, inner]) => [key, bodyFor(inner, bad, depth + 1)]));
  }
  if (type === 'array') return [`a${bad}b`];
  if (type === 'number' || type === 'integer') return 1;
  if (type === 'boolean') return true;
  return `a${bad}b`;
}

async function operations(client: ApiClient): Promise<Operation[]> {
  const doc = await client.get('/api/openapi.json');
  expect(doc.status).to.equal(200);
  const list: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.body.paths as Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>)) {
    for (const [method, op] of Object.entries(methods)) list.push({ method: method.toUpperCase(), path, ...op });
  }
  return list;
}

/** The request for one route with `bad` in every path parameter, query parameter and body string. */
function poisoned(op: Operation, bad: string): { url: string; body?: unknown } {
  const encoded = encodeURIComponent(`a${bad}b`);
  const url = op.path.replace(/\{[^}]+\}/g, encoded);
  const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => `${p.name}=${encoded}`);
  query.push(`extra=${encoded}`);
  const body = op.requestBody ? bodyFor(op.requestBody.content['application/json'].schema, bad) : undefined;
  return { url: `${url}?${query.join('&')}`, body };
}

for (const dialect of ['sqlite', 'mariadb'] as const) {
  describe(`Every route refuses control characters and broken Unicode with 400 (${dialect})`, function () {
    this.timeout(120_000);
    let t: TestApp;
    let admin: ApiClient;
    let ops: Operation[];

    before(async function () {
      if (dialect === 'mariadb' && (await testDatabaseTarget()).dialect !== 'mariadb') this.skip();
      const dataDir = tempDir('carillon-fuzz-');
      t = await startTestApp({ dataDir, database: await createTestDatabase(dataDir, dialect), bundledDir: directoryOnlyBundledDir(), overrides: { log: { level: 'warn' } } });
      admin = await t.adminClient();
      ops = await operations(admin);
      expect(ops.length).to.be.greaterThan(80);
    });
    after(() => t?.stop());

    it('answers 400 invalid_characters, naming the field, on every route of the route table (logged in and not)', async () => {
      const failures: string[] = [];
      for (const bad of BAD) {
        for (const op of ops) {
          const { url, body } = poisoned(op, bad);
          for (const client of [admin, t.client()]) {
            const res = await client.request(op.method, url, body);
            const label = `${op.method} ${op.path} with U+${bad.charCodeAt(0).toString(16).padStart(4, '0')}`;
            if (res.status !== 400 || res.body?.code !== 'invalid_characters') failures.push(`${label}: ${res.status} ${res.text.slice(0, 160)}`);
          }
        }
      }
      expect(failures, failures.join('\n')).to.deep.equal([]);
      const login = await t.client().post('/api/auth/login', { email: 'a\u0000@example.test', password: 'x' });
      expect(login.status).to.equal(400);
      expect(login.body.errors).to.deep.equal([{ field: 'body.email', code: 'invalid_characters', message: 'body.email holds the control character U+0000 (NUL), which no field accepts.' }]);
    });

    it('refuses lone surrogates in JSON bodies on every route that takes one', async () => {
      const failures: string[] = [];
      const withText = ops
        .filter((o) => o.requestBody)
        .map((op) => ({ op, body: bodyFor(op.requestBody!.content['application/json'].schema, LONE_SURROGATE) }))
        .filter(({ body }) => JSON.stringify(body).includes('\\ud800'));
      expect(withText.length).to.be.greaterThan(30);
      for (const { op, body } of withText) {
        const res = await admin.request(op.method, op.path.replace(/\{[^}]+\}/g, '1'), body);
        if (res.status !== 400 || res.body?.code !== 'invalid_characters') failures.push(`${op.method} ${op.path}: ${res.status} ${res.text.slice(0, 160)}`);
      }
      expect(failures, failures.join('\n')).to.deep.equal([]);
    });

    it('keeps tabs and line breaks in body text, and answers paths outside the route table without a 5xx', async () => {
      const created = await admin.post('/api/plugins/directory/contacts', { firstName: 'Ada', lastName: 'Lovelace', address: { street: '12 rue\nBât. B' } });
      expect(created.status, created.text).to.equal(201);
      for (const path of ['/%00', '/api/%00', '/setup/%00', '/assets/%00.js', '/api/plugins/%00/x', '/socket.io/?EIO=4&transport=polling&t=%00']) {
        const res = await admin.get(path);
        expect(res.status, `${path}: ${res.text}`).to.be.below(500);
      }
    });

    it('answers a Bearer token or a session cookie with odd bytes with 401, not 500', async () => {
      const variants: Array<Record<string, string>> = [{ authorization: 'Bearer crl_\u00ff\u00fe' }, { authorization: 'Bearer crl_a\tb' }, { cookie: 'carillon_session=a\tb\u00ff' }];
      for (const headers of variants) {
        const res = await fetch(`${t.url}/api/auth/me`, { headers });
        expect(res.status, JSON.stringify(headers)).to.equal(401);
      }
    });
  });
}
