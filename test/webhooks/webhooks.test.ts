import crypto from 'node:crypto';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import sinon from 'sinon';
import { createSequelize } from '../../core/db/database';
import { createLogger } from '../../core/logging/logger';
import { WebhookDelivery, WebhookSubscription } from '../../core/webhooks/webhook-models';
import { verifySignature } from '../../core/webhooks/signature';
import type { WebhookOutbox } from '../../core/webhooks/webhook-outbox';
import { expectProblem } from '../core/auth-fixtures';
import { eventually } from '../calls/calls-harness';
import type { ApiClient } from '../support/api-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { Receiver } from './receiver';

/** Short retries for tests (the real schedule spans a day). */
function quickRetries(outbox: WebhookOutbox): void {
  outbox.options.policy = { baseDelayMs: 100, maxDelayMs: 300, maxAttempts: 100 };
}

const CALL_ENDED = {
  callId: '1765099512.42',
  direction: 'inbound' as const,
  caller: { name: 'Ada', number: '+33612345678' },
  endpoint: null,
  startedAt: '2026-12-07T09:25:12.104Z',
  answeredAt: '2026-12-07T09:25:18.530Z',
  endedAt: '2026-12-07T09:29:02.911Z',
  outcome: 'answered' as const,
  cause: 16,
  causeText: 'Normal Clearing',
  sipCode: null,
  durationSeconds: 231,
  talkSeconds: 224,
};

describe('Webhooks: signed deliveries from a persistent outbox', () => {
  let t: TestApp;
  let admin: ApiClient;
  let receiver: Receiver;

  before(async () => {
    t = await startTestApp({ overrides: { log: { level: 'warn' } } });
    admin = await t.adminClient();
    receiver = new Receiver();
    await receiver.up();
    quickRetries(t.app.cradle.webhookOutbox);
    expect((await admin.request('PUT', '/api/webhooks/settings', { allowPrivateNetworks: true })).status).to.equal(200);
  });

  after(async () => {
    await t.stop();
    await receiver.down();
  });

  beforeEach(() => {
    receiver.received.length = 0;
    receiver.status = 200;
    receiver.delayMs = 0;
  });

  async function subscribe(events: string[] = ['call.ended'], url = receiver.url): Promise<{ id: number; secret: string }> {
    const res = await admin.post('/api/webhooks', { name: 'CRM', url, events });
    expect(res.status, res.text).to.equal(201);
    return { id: res.body.subscription.id, secret: res.body.secret };
  }

  const deliveriesOf = async (id: number) => (await admin.get(`/api/webhooks/${id}/deliveries`)).body as { total: number; items: Array<Record<string, any>> };

  it('lists core call events with descriptions in both languages and example payloads', async () => {
    const res = await admin.get('/api/webhooks/event-types');
    expect(res.status).to.equal(200);
    const names = res.body.items.map((e: { name: string }) => e.name);
    expect(names).to.include.members(['call.started', 'call.answered', 'call.ended']);
    const ended = res.body.items.find((e: { name: string }) => e.name === 'call.ended');
    expect(ended.description.en).to.match(/outcome/);
    expect(ended.description.fr).to.match(/issue/);
    expect(ended.example).to.include({ outcome: 'answered' });
  });

  it('the secret is shown once, stored sealed; a test delivery is signed with it and logged', async () => {
    const { id, secret } = await subscribe();
    expect(secret).to.match(/^whsec_[A-Za-z0-9_-]{43}$/);
    const row = await WebhookSubscription.findByPk(id);
    expect(row!.secretSealed).to.not.include(secret.slice(6));
    expect((await admin.get(`/api/webhooks/${id}`)).text).to.not.include(secret);
    expect((await admin.get('/api/webhooks')).text).to.not.include(secret);

    const test = await admin.post(`/api/webhooks/${id}/test`);
    expect(test.status, test.text).to.equal(202);
    const delivered = await eventually('test delivered', async () => {
      const item = (await deliveriesOf(id)).items.find((d) => d.id === test.body.id);
      return item?.status === 'delivered' ? item : null;
    });
    expect(delivered).to.include({ eventType: 'webhook.test', attempts: 1, lastStatusCode: 200, lastError: null, lastResponse: 'thanks' });
    expect(delivered.lastDurationMs).to.be.a('number');
    const [request] = receiver.received;
    expect(request.headers['carillon-delivery-id']).to.equal(test.body.id);
    expect(request.headers['carillon-event']).to.equal('webhook.test');
    expect(request.headers['content-type']).to.equal('application/json');
    const signature = String(request.headers['carillon-signature']);
    expect(signature).to.match(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, request.body, signature)).to.equal(true);
    // Tampered body, wrong secret, or a replay long after: refused.
    expect(verifySignature(secret, request.body.replace('test', 'tset'), signature)).to.equal(false);
    expect(verifySignature(`${secret}x`, request.body, signature)).to.equal(false);
    expect(verifySignature(secret, request.body, signature, new Date(Date.now() + 3600_000))).to.equal(false);
    const body = JSON.parse(request.body);
    expect(body).to.include({ type: 'webhook.test', id: request.headers['carillon-event-id'] });

    // A new secret signs from now on; the old one no longer verifies.
    const rotated = await admin.post(`/api/webhooks/${id}/rotate-secret`);
    expect(rotated.body.secret).to.match(/^whsec_/).and.not.equal(secret);
    await admin.post(`/api/webhooks/${id}/test`);
    const second = await eventually('second test', async () => receiver.received[1]);
    expect(verifySignature(rotated.body.secret, second.body, String(second.headers['carillon-signature']))).to.equal(true);
    expect(verifySignature(secret, second.body, String(second.headers['carillon-signature']))).to.equal(false);
    expect((await admin.delete(`/api/webhooks/${id}`)).status).to.equal(204);
  });

  it('a bus event reaches only the subscriptions to it; the receiver down then up gets it after retries, once delivered', async () => {
    const ended = await subscribe(['call.ended']);
    const started = await subscribe(['call.started']);
    await receiver.down();
    t.app.cradle.events.publish('call.ended', CALL_ENDED);
    await t.app.cradle.webhookOutbox.settled();
    await eventually('failed attempts while down', async () => {
      const [item] = (await deliveriesOf(ended.id)).items;
      return item && item.attempts >= 2 && item.status === 'pending' ? item : null;
    });
    const [waiting] = (await deliveriesOf(ended.id)).items;
    expect(waiting.lastError).to.match(/^network: ECONNREFUSED/);
    expect(waiting.nextAttemptAt).to.be.a('string');
    await receiver.up();
    const item = await eventually('delivered after the receiver came back', async () => {
      const [d] = (await deliveriesOf(ended.id)).items;
      return d?.status === 'delivered' ? d : null;
    });
    expect(item.attempts).to.be.greaterThan(2);
    expect(receiver.accepted()).to.have.length(1);
    const body = JSON.parse(receiver.accepted()[0].body);
    expect(body).to.deep.include({ type: 'call.ended', data: CALL_ENDED });
    expect(verifySignature(ended.secret, receiver.accepted()[0].body, String(receiver.accepted()[0].headers['carillon-signature']))).to.equal(true);
    expect((await deliveriesOf(started.id)).total).to.equal(0);
    for (const id of [ended.id, started.id]) await admin.delete(`/api/webhooks/${id}`);
  });

  it('an error answer is retried, then a manual redeliver sends the same delivery id again', async () => {
    const { id } = await subscribe();
    receiver.status = 500;
    t.app.cradle.events.publish('call.ended', CALL_ENDED);
    const failing = await eventually('a failed attempt', async () => {
      const [d] = (await deliveriesOf(id)).items;
      return d && d.attempts >= 1 ? d : null;
    });
    expect(failing).to.include({ status: 'pending', lastStatusCode: 500, lastResponse: 'not now' });
    expect(failing.lastError).to.match(/^http_status: answered 500/);
    receiver.status = 200;
    const delivered = await eventually('delivered', async () => {
      const [d] = (await deliveriesOf(id)).items;
      return d?.status === 'delivered' ? d : null;
    });
    const redeliver = await admin.post(`/api/webhooks/${id}/deliveries/${delivered.id}/redeliver`);
    expect(redeliver.status, redeliver.text).to.equal(202);
    await eventually('redelivered', async () => receiver.accepted().length === 2);
    const ids = receiver.accepted().map((r) => r.headers['carillon-delivery-id']);
    expect(ids[0]).to.equal(delivered.id);
    expect(ids[1]).to.equal(delivered.id);
    expectProblem(await admin.post(`/api/webhooks/${id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`), 404, 'not_found');
    await admin.delete(`/api/webhooks/${id}`);
  });

  it('a redirect is not followed, and the log says where it pointed', async () => {
    const { id } = await subscribe();
    receiver.status = 302;
    await admin.post(`/api/webhooks/${id}/test`);
    const [item] = await eventually('an attempt', async () => {
      const items = (await deliveriesOf(id)).items;
      return items[0]?.attempts ? items : null;
    });
    expect(item.lastStatusCode).to.equal(302);
    expect(item.lastError).to.match(/^redirect_not_followed/);
    await admin.patch(`/api/webhooks/${id}`, { enabled: false });
    await admin.delete(`/api/webhooks/${id}`);
  });

  it('SSRF: loopback, localhost and metadata addresses are refused unless private networks are allowed; checked again at delivery', async () => {
    expect((await admin.request('PUT', '/api/webhooks/settings', { allowPrivateNetworks: false })).body).to.include({ allowPrivateNetworks: false });
    for (const url of [receiver.url, 'http://localhost:9/x', 'http://[::1]:9/x', 'http://10.1.2.3/x', 'http://169.254.169.254/latest/meta-data']) {
      const res = await admin.post('/api/webhooks', { name: 'Probe', url, events: ['call.ended'] });
      expectProblem(res, 422, 'validation_failed');
      expect(res.body.errors[0]).to.include({ field: 'body.url', code: 'webhook_url_refused' });
    }
    await admin.request('PUT', '/api/webhooks/settings', { allowPrivateNetworks: true });
    // Metadata services stay refused whatever the setting.
    const metadata = await admin.post('/api/webhooks', { name: 'Probe', url: 'http://169.254.169.254/latest', events: ['call.ended'] });
    expect(metadata.body.errors[0].code).to.equal('webhook_url_refused');
    expect(metadata.body.errors[0].message).to.match(/metadata/);

    // Saved while allowed (a name that resolves to loopback), then the admin closes private networks: refused when sending.
    const port = new URL(receiver.url).port;
    const { id } = await subscribe(['call.ended'], `http://localhost:${port}/hooks`);
    await admin.request('PUT', '/api/webhooks/settings', { allowPrivateNetworks: false });
    await admin.post(`/api/webhooks/${id}/test`);
    const [item] = await eventually('a refused attempt', async () => {
      const items = (await deliveriesOf(id)).items;
      return items[0]?.attempts ? items : null;
    });
    expect(item.lastError).to.match(/^address_refused: .*loopback/);
    expect(item.lastStatusCode).to.equal(null);
    expect(receiver.received).to.have.length(0);
    await admin.request('PUT', '/api/webhooks/settings', { allowPrivateNetworks: true });
    await admin.delete(`/api/webhooks/${id}`);
  });

  it('bad input gets clear errors; unknown ids 404', async () => {
    const bad = await admin.post('/api/webhooks', { name: '', url: 'ftp://example.com/x', events: [] });
    expectProblem(bad, 422, 'validation_failed');
    expect(bad.body.errors.map((e: { field: string }) => e.field)).to.include.members(['body.name', 'body.url', 'body.events']);
    const creds = await admin.post('/api/webhooks', { name: 'x', url: 'https://user:pw@example.com/x', events: ['call.ended'] });
    expect(creds.body.errors[0].message).to.match(/without a user name or password/);
    const unknown = await admin.post('/api/webhooks', { name: 'x', url: receiver.url, events: ['call.ended', 'nope.nothing'] });
    expectProblem(unknown, 422, 'validation_failed');
    expect(unknown.body.errors[0]).to.include({ code: 'webhook_event_unknown' });
    expect(await WebhookSubscription.count()).to.equal(0);
    expectProblem(await admin.get('/api/webhooks/999'), 404, 'not_found');
    expectProblem(await admin.request('PUT', '/api/webhooks/settings', { autoDisableDays: 0 }), 422, 'validation_failed');
  });

  it('auto-disable after days of failures shows why; turning it back on sends what waited', async () => {
    const { id } = await subscribe();
    await admin.request('PUT', '/api/webhooks/settings', { autoDisableDays: 2 });
    receiver.status = 503;
    // The receiver has failed for three days already.
    await WebhookSubscription.update({ failingSince: new Date(Date.now() - 3 * 86_400_000) }, { where: { id } });
    t.app.cradle.events.publish('call.ended', CALL_ENDED);
    const off = await eventually('turned off', async () => {
      const s = (await admin.get(`/api/webhooks/${id}`)).body;
      return s.enabled ? null : s;
    });
    expect(off).to.include({ enabled: false, disabledReason: 'failing' });
    expect(off.failingSince).to.be.a('string');
    const audit = await eventually('the audit entry', async () => (await admin.get('/api/audit?action=webhooks.autoDisable')).body.items[0]);
    expect(audit).to.deep.include({ actor: 'system', target: `webhook:${id}` });
    expect(audit.details).to.include({ reason: 'failing', days: 2 });
    // Nothing is lost: the delivery waits.
    const [waiting] = (await deliveriesOf(id)).items;
    expect(waiting.status).to.equal('pending');
    const tried = receiver.received.length;
    expectProblem(await admin.post(`/api/webhooks/${id}/test`), 409, 'webhook_disabled');
    receiver.status = 200;
    const on = await admin.patch(`/api/webhooks/${id}`, { enabled: true });
    expect(on.body).to.include({ enabled: true, disabledReason: null, failingSince: null });
    await eventually('delivered once back on', async () => (await deliveriesOf(id)).items[0]?.status === 'delivered');
    expect(receiver.received.length).to.equal(tried + 1);
    await admin.request('PUT', '/api/webhooks/settings', { autoDisableDays: 3 });
    await admin.delete(`/api/webhooks/${id}`);
  });

  it("a row whose worker died is taken again when its lease ends; a live lease is left alone", async () => {
    const { id } = await subscribe();
    const outbox = t.app.cradle.webhookOutbox;
    const now = Date.now();
    const row = (at: number, owner: string) => ({
      id: crypto.randomUUID(),
      subscriptionId: id,
      eventId: crypto.randomUUID(),
      eventType: 'call.ended',
      payload: JSON.stringify({ id: 'x', type: 'call.ended', createdAt: new Date(now).toISOString(), data: { owner } }),
      status: 'pending' as const,
      nextAttemptAt: new Date(now - 1000),
      leaseOwner: owner,
      leaseUntil: new Date(at),
      createdAt: new Date(now),
    });
    const dead = row(now - 1000, 'dead-node:1:ab');
    const alive = row(now + 60_000, 'other-node:2:cd');
    await WebhookDelivery.bulkCreate([dead, alive]);
    outbox.wake();
    await eventually('the dead worker\'s row delivered', async () => (await WebhookDelivery.findByPk(dead.id))?.status === 'delivered');
    expect(receiver.accepted().map((r) => r.headers['carillon-delivery-id'])).to.deep.equal([dead.id]);
    const held = await WebhookDelivery.findByPk(alive.id);
    expect(held).to.include({ status: 'pending', leaseOwner: 'other-node:2:cd', attempts: 0 });
    await admin.delete(`/api/webhooks/${id}`);
  });

  it('the daily purge drops delivered and given-up rows past the retention, never waiting ones', async () => {
    const { id } = await subscribe();
    const old = new Date(Date.now() - 40 * 86_400_000);
    const make = (status: 'pending' | 'delivered' | 'failed', createdAt: Date) => ({
      id: crypto.randomUUID(), subscriptionId: id, eventId: crypto.randomUUID(), eventType: 'call.ended', payload: '{}', status, nextAttemptAt: null, createdAt,
    });
    const rows = [make('delivered', old), make('failed', old), make('pending', old), make('delivered', new Date())];
    await WebhookDelivery.bulkCreate(rows);
    expect(await t.app.cradle.webhookOutbox.purge()).to.equal(2);
    const left = (await WebhookDelivery.findAll({ where: { subscriptionId: id } })).map((r) => r.id).sort();
    expect(left).to.deep.equal([rows[2].id, rows[3].id].sort());
    await admin.delete(`/api/webhooks/${id}`);
  });

  it('state changes are audited, never with the secret', async () => {
    const { id, secret } = await subscribe();
    await admin.patch(`/api/webhooks/${id}`, { name: 'CRM renamed' });
    const audit = await admin.get('/api/audit?action=webhooks.');
    expect(audit.status, audit.text).to.equal(200);
    const actions = audit.body.items.map((e: { action: string; target: string }) => `${e.action} ${e.target}`);
    expect(actions).to.include.members([`webhooks.create webhook:${id}`, `webhooks.update webhook:${id}`]);
    expect(audit.text).to.not.include(secret);
    await admin.delete(`/api/webhooks/${id}`);
  });

  it('needs webhooks.manage: a manager gets 403 on every route', async () => {
    const password = 'another correct horse battery';
    expect((await admin.post('/api/users', { email: 'manager@example.test', displayName: 'Manager', password, roles: ['manager'] })).status).to.equal(201);
    const manager = t.client();
    expect((await manager.login('manager@example.test', password)).status).to.equal(200);
    expectProblem(await manager.get('/api/webhooks'), 403, 'forbidden');
    expectProblem(await manager.get('/api/webhooks/event-types'), 403, 'forbidden');
    expectProblem(await manager.post('/api/webhooks', { name: 'x', url: receiver.url, events: ['call.ended'] }), 403, 'forbidden');
    expectProblem(await manager.request('PUT', '/api/webhooks/settings', { allowPrivateNetworks: true }), 403, 'forbidden');
    const permissions = await admin.get('/api/permissions');
    expect(JSON.stringify(permissions.body)).to.include('webhooks.manage');
  });

  it('an event of a plugin that does not run is not offered; a declaration without French is refused', () => {
    const bus = t.app.cradle.events;
    bus.define('absent.leadCreated', {
      permission: null,
      owner: 'absent',
      webhook: { description: { en: 'A lead was created.', fr: 'Un prospect a été créé.' }, example: { leadId: 7 } },
    });
    expect(t.app.cradle.webhookService.eventTypes().map((e) => e.name)).to.not.include('absent.leadCreated');
    expect(() => bus.define('absent.other', { permission: null, owner: 'absent', webhook: { description: { en: 'x' } as never, example: {} } })).to.throw(/"en" and "fr"/);
    expect(() => bus.define('absent.third', { permission: null, owner: 'absent', webhook: { description: { en: 'x', fr: 'x' }, example: [] as never } })).to.throw(/must be an object/);
  });
});

describe('Webhooks: nothing lost across a restart, no duplicate with two workers', () => {
  it('a Carillon restart in the middle of retries: delivered by the next process', async () => {
    const receiver = new Receiver();
    await receiver.up();
    receiver.status = 500;
    let t = await startTestApp({ overrides: { log: { level: 'warn' } } });
    try {
      const admin = await t.adminClient();
      quickRetries(t.app.cradle.webhookOutbox);
      await admin.request('PUT', '/api/webhooks/settings', { allowPrivateNetworks: true });
      const created = await admin.post('/api/webhooks', { name: 'CRM', url: receiver.url, events: ['call.ended'] });
      t.app.cradle.events.publish('call.ended', CALL_ENDED);
      await eventually('a failed attempt', async () => (await WebhookDelivery.findAll()).find((d) => d.attempts >= 1));
      await t.stop({ keepDatabase: true });
      receiver.status = 200;
      const before = receiver.received.length;
      t = await startTestApp({ database: t.database, dataDir: t.dataDir, overrides: { log: { level: 'warn' } } });
      const delivery = await eventually('delivered after the restart', async () => {
        const [row] = await WebhookDelivery.findAll();
        return row?.status === 'delivered' ? row : null;
      });
      expect(receiver.accepted()).to.have.length(1);
      expect(receiver.received.length).to.equal(before + 1);
      const request = receiver.accepted()[0];
      expect(request.headers['carillon-delivery-id']).to.equal(delivery.id);
      // The new process decrypted the sealed secret with the same key file.
      expect(verifySignature(created.body.secret, request.body, String(request.headers['carillon-signature']))).to.equal(true);
    } finally {
      await t.stop();
      await receiver.down();
    }
  });

  it('Carillon stopping during a send that hangs: the row is released at once and sent by the next process', async () => {
    const receiver = new Receiver();
    await receiver.up();
    receiver.delayMs = 60_000;
    let t = await startTestApp({ overrides: { log: { level: 'warn' } } });
    try {
      const admin = await t.adminClient();
      t.app.cradle.webhookOutbox.options.stopGraceMs = 100;
      await admin.request('PUT', '/api/webhooks/settings', { allowPrivateNetworks: true });
      await admin.post('/api/webhooks', { name: 'CRM', url: receiver.url, events: ['call.ended'] });
      t.app.cradle.events.publish('call.ended', CALL_ENDED);
      await eventually('the send under way', async () => receiver.received.length === 1);
      await t.stop({ keepDatabase: true });
      // Read with a connection of its own: the stopped app's is closed.
      const sequelize = createSequelize(t.database.url, { poolMax: 1, logSql: false, logger: createLogger('warn') });
      const [released] = (await sequelize.query('SELECT status, attempts, lease_owner, lease_until FROM webhook_deliveries', { type: QueryTypes.SELECT })) as Array<Record<string, unknown>>;
      await sequelize.close();
      expect(released).to.deep.equal({ status: 'pending', attempts: 0, lease_owner: null, lease_until: null });
      receiver.delayMs = 0;
      t = await startTestApp({ database: t.database, dataDir: t.dataDir, overrides: { log: { level: 'warn' } } });
      await eventually('delivered by the next process', async () => (await WebhookDelivery.findAll())[0]?.status === 'delivered');
      // The receiver saw the same delivery twice (the first copy unanswered): the id lets it tell.
      const ids = receiver.received.map((r) => r.headers['carillon-delivery-id']);
      expect(ids).to.have.length(2);
      expect(ids[0]).to.equal(ids[1]);
    } finally {
      await t.stop();
      await receiver.down();
    }
  });

  it('20 events at once with two Carillon processes on one database: 20 deliveries, each sent once', async () => {
    const receiver = new Receiver();
    await receiver.up();
    receiver.delayMs = 30;
    const first = await startTestApp({ overrides: { log: { level: 'warn' } } });
    const second = await startTestApp({ database: first.database, dataDir: first.dataDir, overrides: { log: { level: 'warn' } } });
    try {
      const admin = await first.adminClient();
      await admin.request('PUT', '/api/webhooks/settings', { allowPrivateNetworks: true });
      expect((await admin.post('/api/webhooks', { name: 'CRM', url: receiver.url, events: ['call.ended'] })).status).to.equal(201);
      for (const app of [first, second]) app.app.cradle.webhookOutbox.options.pollMs = 20;
      // The first worker sends one at a time and the receiver is slow: the second surely takes part.
      first.app.cradle.webhookOutbox.options.concurrency = 1;
      receiver.delayMs = 100;
      const sends = [first, second].map((app) => sinon.spy(app.app.cradle.webhookOutbox as unknown as { attempt: () => Promise<void> }, 'attempt'));
      for (let i = 0; i < 20; i++) first.app.cradle.events.publish('call.ended', { ...CALL_ENDED, callId: `call-${i}` });
      await eventually('20 delivered', async () => (await WebhookDelivery.count({ where: { status: 'delivered' } })) === 20, 20_000);
      // Give a duplicate the time to show up, if one were under way.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ids = receiver.received.map((r) => r.headers['carillon-delivery-id']);
      expect(ids).to.have.length(20);
      expect(new Set(ids).size).to.equal(20);
      const calls = receiver.received.map((r) => JSON.parse(r.body).data.callId).sort();
      expect(new Set(calls).size).to.equal(20);
      expect(await WebhookDelivery.count()).to.equal(20);
      expect(sends[0].callCount, 'sends by the first process').to.be.greaterThan(0);
      expect(sends[1].callCount, 'sends by the second process').to.be.greaterThan(0);
      expect(sends[0].callCount + sends[1].callCount).to.equal(20);
    } finally {
      await second.stop({ keepDatabase: true });
      await first.stop();
      await receiver.down();
    }
  });
});
