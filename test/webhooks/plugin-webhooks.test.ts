import path from 'node:path';
import { expect } from 'chai';
import { eventually } from '../calls/calls-harness';
import type { ApiClient } from '../support/api-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { Receiver } from './receiver';

const PLUGINS = path.resolve(__dirname, '..', 'fixtures', 'webhook-plugins');

/** Plugins offer their events to webhooks through `ctx.events.define(name, { webhook })`, the same API for every plugin. */
describe('Webhooks: events declared by plugins', () => {
  let t: TestApp;
  let admin: ApiClient;
  const receiver = new Receiver();

  before(async () => {
    t = await startTestApp({ bundledDir: PLUGINS, overrides: { log: { level: 'warn' } } });
    admin = await t.adminClient();
    await receiver.up();
    await admin.request('PUT', '/api/webhooks/settings', { allowPrivateNetworks: true });
  });

  after(async () => {
    await t.stop();
    await receiver.down();
  });

  it("a plugin's event is listed with its descriptions and example, and delivered when the plugin publishes it", async () => {
    const types = (await admin.get('/api/webhooks/event-types')).body.items as Array<{ name: string; owner: string }>;
    expect(types.find((e) => e.name === 'leads.created')).to.deep.include({
      owner: 'leads',
      description: { en: 'A lead was created in a campaign.', fr: 'Un prospect a été créé dans une campagne.' },
      example: { leadId: 42, campaign: 'Spring', phone: '+33612345678' },
    });
    // Core's events come first.
    expect(types[0].owner).to.equal('core');
    const created = await admin.post('/api/webhooks', { name: 'CRM', url: receiver.url, events: ['leads.created', 'call.ended'] });
    expect(created.status, created.text).to.equal(201);
    expect((await admin.post('/api/plugins/leads', {})).status).to.equal(201);
    const [request] = await eventually('the lead delivered', async () => (receiver.received.length ? receiver.received : null));
    expect(JSON.parse(request.body)).to.deep.include({ type: 'leads.created', data: { leadId: 42, campaign: 'Spring', phone: '+33612345678' } });
    expect(request.headers['carillon-event']).to.equal('leads.created');
  });

  it('a disabled plugin\'s events are no longer offered; a subscription keeps them and can still be edited', async () => {
    const [subscription] = (await admin.get('/api/webhooks')).body.items;
    expect((await admin.post('/api/system/plugins/leads/disable')).status).to.be.oneOf([200, 204]);
    const names = (await admin.get('/api/webhooks/event-types')).body.items.map((e: { name: string }) => e.name);
    expect(names).to.not.include('leads.created');
    const renamed = await admin.patch(`/api/webhooks/${subscription.id}`, { name: 'CRM (leads paused)', events: ['leads.created', 'call.ended'] });
    expect(renamed.status, renamed.text).to.equal(200);
    // Adding it anew is refused while the plugin is off.
    const other = await admin.post('/api/webhooks', { name: 'Other', url: receiver.url, events: ['leads.created'] });
    expect(other.body.errors[0].code).to.equal('webhook_event_unknown');
    expect((await admin.post('/api/system/plugins/leads/enable')).status).to.be.oneOf([200, 204]);
  });

  it('a webhook declaration without a French description fails its plugin, with the reason', async () => {
    const plugins = (await admin.get('/api/system/plugins')).body.items as Array<{ id: string; state: string; error?: { message: string } }>;
    const bad = plugins.find((p) => p.id === 'bad-webhook')!;
    expect(bad.state).to.equal('failed');
    expect(bad.error!.message).to.match(/"en" and "fr"/);
    expect(plugins.find((p) => p.id === 'leads')!.state).to.equal('started');
  });
});
