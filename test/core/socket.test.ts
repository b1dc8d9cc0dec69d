import { expect } from 'chai';
import sinon from 'sinon';
import { io, type Socket } from 'socket.io-client';
import type { ApiClient } from '../support/api-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { createUser, expectProblem, strongPassword } from './auth-fixtures';

const MARKER = 'sockettest.marker';

/** A connected client that records every event it receives, in order. */
interface Probe {
  socket: Socket;
  received: Array<{ name: string; payload: unknown }>;
  /** Resolves when the server closes the connection. */
  closed: Promise<string>;
}

describe('socket.io: authentication and permission-filtered events', () => {
  let t: TestApp;
  let admin: ApiClient;
  const open: Socket[] = [];

  before(async () => {
    t = await startTestApp();
    admin = await t.adminClient();
    // An event every authenticated client may receive, used to know that earlier events had their chance.
    t.app.cradle.events.define(MARKER, { permission: 'authenticated', owner: 'test' });
  });
  after(async () => {
    for (const socket of open) socket.disconnect();
    await t.stop();
  });

  function connect(options: { cookie?: string; token?: string; origin?: string }): Promise<Probe> {
    const headers: Record<string, string> = {};
    if (options.cookie) headers.cookie = options.cookie;
    if (options.origin) headers.origin = options.origin;
    const socket = io(t.url, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: headers,
      ...(options.token ? { auth: { token: options.token } } : {}),
    });
    open.push(socket);
    const received: Probe['received'] = [];
    socket.onAny((name: string, payload: unknown) => received.push({ name, payload }));
    const closed = new Promise<string>((resolve) => socket.on('disconnect', (reason) => resolve(reason)));
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve({ socket, received, closed }));
      socket.once('connect_error', (err) => reject(err));
    });
  }

  async function refused(options: { cookie?: string; token?: string; origin?: string }): Promise<string> {
    try {
      await connect(options);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('the connection was accepted');
  }

  /** Publishes the marker and waits until every probe has it: events published before it were delivered or filtered. */
  async function flush(probes: Probe[]): Promise<void> {
    const id = Math.random().toString(36).slice(2);
    const arrived = probes.map(
      (probe) =>
        new Promise<void>((resolve) => {
          const check = (name: string, payload: { id?: string }) => {
            if (name === MARKER && payload?.id === id) {
              probe.socket.offAny(check);
              resolve();
            }
          };
          probe.socket.onAny(check);
        }),
    );
    t.app.cradle.events.publish(MARKER, { id });
    await Promise.all(arrived);
  }

  const names = (probe: Probe) => probe.received.map((e) => e.name).filter((n) => n !== MARKER);

  it('refuses a connection without credentials, with a forged cookie or an unknown token', async () => {
    expect(await refused({})).to.equal('unauthenticated');
    expect(await refused({ cookie: 'carillon_session=forged' })).to.equal('unauthenticated');
    expect(await refused({ token: 'crl_not-a-real-token-xxxxxxxxxxxxxxxxxxxxxxxxxxxxx' })).to.equal('token_invalid');
  });

  it("refuses a session cookie sent from another site's page", async () => {
    expect(await refused({ cookie: admin.cookie!, origin: 'http://evil.example' })).to.equal('origin_refused');
    const sameOrigin = await connect({ cookie: admin.cookie!, origin: t.url });
    expect(sameOrigin.socket.connected).to.equal(true);
    sameOrigin.socket.disconnect();
  });

  it('delivers each event only to clients holding its permission', async () => {
    const agent = await createUser(t, admin, ['agent'], 'sock-agent');
    const supervisor = await createUser(t, admin, ['supervisor'], 'sock-sup');
    const technician = await createUser(t, admin, ['technician'], 'sock-tech');
    const scoped = await admin.post('/api/auth/tokens', { name: 'socket plugins only', permissions: ['plugins.read'] });

    const probes = {
      admin: await connect({ cookie: admin.cookie! }),
      agent: await connect({ cookie: agent.client.cookie! }),
      supervisor: await connect({ cookie: supervisor.client.cookie! }),
      technician: await connect({ cookie: technician.client.cookie! }),
      token: await connect({ token: scoped.body.token }),
    };
    const events = t.app.cradle.events;
    events.publish('plugin.stateChanged', { id: 'example', state: 'failed', error: { code: 'boom', message: 'Boom' } });
    events.publish('telephony.stateChanged', { connected: false, lastError: 'refused' });
    // Internal events never leave the server.
    events.publish('auth.permissionsChanged', { userIds: [] });
    await flush(Object.values(probes));

    expect(names(probes.admin)).to.deep.equal(['plugin.stateChanged', 'telephony.stateChanged']);
    expect(names(probes.technician)).to.deep.equal(['plugin.stateChanged', 'telephony.stateChanged']);
    expect(names(probes.supervisor)).to.deep.equal(['telephony.stateChanged']);
    expect(names(probes.agent)).to.deep.equal([]);
    expect(names(probes.token)).to.deep.equal(['plugin.stateChanged']);
    expect(probes.admin.received[0].payload).to.deep.equal({ id: 'example', state: 'failed', error: { code: 'boom', message: 'Boom' } });
    for (const probe of Object.values(probes)) probe.socket.disconnect();
  });

  it("follows a change of the user's roles while connected", async () => {
    const user = await createUser(t, admin, ['agent'], 'sock-promoted');
    const probe = await connect({ cookie: user.client.cookie! });
    t.app.cradle.events.publish('plugin.stateChanged', { id: 'x', state: 'started' });
    await flush([probe]);
    expect(names(probe)).to.deep.equal([]);

    expect((await admin.patch(`/api/users/${user.id}`, { roles: ['technician'] })).status).to.equal(200);
    // The socket re-reads its permissions when told of the change; wait for that, not for a delay.
    for (let i = 0; i < 100 && !names(probe).includes('plugin.stateChanged'); i++) {
      t.app.cradle.events.publish('plugin.stateChanged', { id: 'x', state: 'started' });
      await flush([probe]);
    }
    expect(names(probe)).to.include('plugin.stateChanged');
    probe.socket.disconnect();
  });

  it('is disconnected when its session logs out', async () => {
    const user = await createUser(t, admin, ['technician'], 'sock-logout');
    const probe = await connect({ cookie: user.client.cookie! });
    const other = await connect({ cookie: admin.cookie! });
    expect((await user.client.post('/api/auth/logout')).status).to.equal(204);
    expect(await probe.closed).to.equal('io server disconnect');
    expect(probe.socket.connected).to.equal(false);
    await flush([other]);
    expect(other.socket.connected).to.equal(true);
    other.socket.disconnect();
  });

  it('is disconnected when its user is disabled or its password is reset', async () => {
    const disabled = await createUser(t, admin, ['agent'], 'sock-disabled');
    const probe = await connect({ cookie: disabled.client.cookie! });
    expect((await admin.patch(`/api/users/${disabled.id}`, { active: false })).status).to.equal(200);
    expect(await probe.closed).to.equal('io server disconnect');

    const reset = await createUser(t, admin, ['agent'], 'sock-reset');
    const resetProbe = await connect({ cookie: reset.client.cookie! });
    expect((await admin.patch(`/api/users/${reset.id}`, { password: strongPassword() })).status).to.equal(200);
    expect(await resetProbe.closed).to.equal('io server disconnect');
    expectProblem(await reset.client.get('/api/auth/me'), 401, 'unauthenticated');
  });

  it('gets nothing past the expiry of the token it connected with, and is closed', async () => {
    const created = await admin.post('/api/auth/tokens', { name: 'expiring socket token', expiresInDays: 1 });
    const probe = await connect({ token: created.body.token });
    const other = await connect({ cookie: admin.cookie! });
    // Only Date is faked (timers stay real), so the server in this process sees the token's expiry pass.
    const clock = sinon.useFakeTimers({ now: Date.now() + 2 * 86_400_000, toFake: ['Date'] });
    try {
      t.app.cradle.events.publish('plugin.stateChanged', { id: 'late', state: 'started' });
      expect(await probe.closed).to.equal('io server disconnect');
    } finally {
      clock.restore();
    }
    expect(names(probe)).to.deep.equal([]);
    await flush([other]);
    expect(names(other)).to.include('plugin.stateChanged');
    other.socket.disconnect();
  });

  it('is disconnected when the API token it connected with is revoked', async () => {
    const created = await admin.post('/api/auth/tokens', { name: 'socket token' });
    const probe = await connect({ token: created.body.token });
    const keep = await admin.post('/api/auth/tokens', { name: 'kept token' });
    const kept = await connect({ token: keep.body.token });
    expect((await admin.delete(`/api/auth/tokens/${created.body.id}`)).status).to.equal(200);
    expect(await probe.closed).to.equal('io server disconnect');
    await flush([kept]);
    expect(kept.socket.connected).to.equal(true);
    expect(await refused({ token: created.body.token })).to.equal('token_invalid');
    kept.socket.disconnect();
  });
});
