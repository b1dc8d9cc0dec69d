import path from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { parse } from 'csv-parse/sync';
import type { ApiClient, ApiResponse } from '../support/api-client';
import { tempDir, type TestApp } from '../support/test-app';
import { createUser } from '../core/auth-fixtures';
import { contributeExtensions, cradle, observation, startCallsApp } from './calls-harness';

/** `/api/calls`: filters, keyset pages, the viewer's time zone, CSV export, who sees what. */
describe('Call log API', () => {
  let t: TestApp;
  let admin: ApiClient;
  const base = new Date('2026-11-20T08:00:00Z');
  const minute = (n: number) => new Date(base.getTime() + n * 60_000);

  before(async () => {
    const dir = tempDir('carillon-calls-api-');
    t = await startCallsApp({ cdrFile: path.join(dir, 'Master.csv'), dataDir: dir });
    admin = await t.adminClient();
    const log = cradle(t).callLogService;
    // 30 calls, one a minute: every third outbound from 201, every fifth busy, two with the same start.
    for (let i = 0; i < 30; i++) {
      const outbound = i % 3 === 0;
      await log.record(
        observation({
          callKey: `q.${i}`,
          startAt: i === 29 ? minute(28) : minute(i),
          direction: outbound ? 'outbound' : 'inbound',
          callerNumber: outbound ? '201' : i === 7 ? '+33 6 11 22 33 07' : `06000000${String(i).padStart(2, '0')}`,
          destination: outbound ? `01234567${String(i).padStart(2, '0')}` : i % 2 ? '202' : '203',
          verdict: { status: i % 5 === 0 ? 'busy' : 'answered', origin: 'userfield' },
        }),
      );
    }
  });
  after(() => t.stop());

  const ids = (res: { body: { items: Array<{ callId: string }> } }) => res.body.items.map((i) => i.callId);

  it('pages newest first by keyset, without gaps or repeats, ties on the start broken by id', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: ApiResponse<{ items: Array<{ callId: string }>; nextCursor: string | null }> = await admin.get(`/api/calls?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, res.text).to.equal(200);
      seen.push(...ids(res));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).to.equal(5);
    expect(seen).to.have.length(30);
    expect(new Set(seen).size).to.equal(30);
    expect(seen.slice(0, 3)).to.deep.equal(['q.29', 'q.28', 'q.27']);
    expect(seen[29]).to.equal('q.0');
  });

  it('filters by status, direction, extension, number (any format) and period', async () => {
    expect(ids(await admin.get('/api/calls?status=busy&limit=100'))).to.deep.equal(['q.25', 'q.20', 'q.15', 'q.10', 'q.5', 'q.0']);
    expect(ids(await admin.get('/api/calls?status=busy,answered&limit=100'))).to.have.length(30);
    const outbound = ids(await admin.get('/api/calls?direction=outbound&limit=100'));
    expect(outbound).to.have.length(10);
    expect(ids(await admin.get('/api/calls?direction=outbound&status=busy&limit=100'))).to.deep.equal(['q.15', 'q.0']);
    // 201 calls out; 202 is reached by the odd inbound calls.
    expect(ids(await admin.get('/api/calls?extension=201&limit=100'))).to.deep.equal(outbound);
    expect(ids(await admin.get('/api/calls?extension=202&limit=100'))).to.deep.equal(['q.29', 'q.25', 'q.23', 'q.19', 'q.17', 'q.13', 'q.11', 'q.7', 'q.5', 'q.1']);
    expect(ids(await admin.get(`/api/calls?number=${encodeURIComponent('06 11 22 33 07')}`))).to.deep.equal(['q.7']);
    expect(ids(await admin.get(`/api/calls?number=${encodeURIComponent('+33611223307')}`))).to.deep.equal(['q.7']);
    expect(ids(await admin.get(`/api/calls?number=0123456712`))).to.deep.equal(['q.12']);
    const period = await admin.get(`/api/calls?from=${encodeURIComponent(minute(10).toISOString())}&to=${encodeURIComponent('2026-11-20T09:13:00+01:00')}`);
    expect(ids(period)).to.deep.equal(['q.12', 'q.11', 'q.10']);
    const bad = await admin.get('/api/calls?status=lost&direction=sideways');
    expect(bad.status).to.equal(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).to.include.members(['query.direction', 'query.status.0']);
  });

  it("shows the start in UTC and in the viewer's time zone", async () => {
    const paris = (await admin.get('/api/calls?limit=1&status=busy')).body.items[0];
    expect(paris).to.include({ callId: 'q.25', startedAt: '2026-11-20T08:25:00.000Z', startedAtLocal: '2026-11-20T09:25:00+01:00', timeZone: 'Europe/Paris' });
    const me = await admin.get('/api/auth/me');
    const userId = (me.body.user?.id ?? me.body.id) as number;
    expect((await admin.patch(`/api/users/${userId}`, { timeZone: 'America/New_York' })).status).to.equal(200);
    const newYork = (await admin.get('/api/calls?limit=1&status=busy')).body.items[0];
    expect(newYork).to.include({ startedAtLocal: '2026-11-20T03:25:00-05:00', timeZone: 'America/New_York' });
    await admin.patch(`/api/users/${userId}`, { timeZone: 'Europe/Paris' });
  });

  it('exports the filtered log as streamed CSV', async () => {
    const res = await admin.get('/api/calls/export.csv?status=busy');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/csv/);
    expect(res.headers.get('content-disposition')).to.match(/attachment; filename="calls.csv"/);
    const rows = parse(res.text, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.startedAt)).to.deep.equal(['2026-11-20T08:25:00.000Z', '2026-11-20T08:20:00.000Z', '2026-11-20T08:15:00.000Z', '2026-11-20T08:10:00.000Z', '2026-11-20T08:05:00.000Z', '2026-11-20T08:00:00.000Z']);
    expect(rows[0]).to.include({ status: 'busy', startedAtLocal: '2026-11-20T09:25:00+01:00', durationSeconds: '60', destination: '202' });
  });

  describe('a failing export', () => {
    afterEach(() => sinon.restore());
    const healthy = async () => expect((await t.client().get('/api/health')).status).to.equal(200);

    it('answers a problem document when the query fails before the first row, and the server lives on', async () => {
      sinon.stub(cradle(t).callLogQuery, 'all').callsFake(async function* () {
        throw new Error('database gone');
      });
      const res = await admin.get('/api/calls/export.csv');
      expect(res.status).to.equal(500);
      expect(res.headers.get('content-type')).to.match(/application\/problem\+json/);
      expect(res.body.code).to.equal('internal_error');
      await healthy();
    });

    it('cuts the response when the query fails half-way (the client sees an incomplete body), logs it, and the server lives on', async () => {
      const real = cradle(t).callLogQuery.all.bind(cradle(t).callLogQuery);
      sinon.stub(cradle(t).callLogQuery, 'all').callsFake(async function* (...args: Parameters<typeof real>) {
        let n = 0;
        for await (const item of real(...args)) {
          if (++n > 3) {
            // Late enough that the first rows are on the wire (earlier, the failure wins over the read-ahead).
            await new Promise((resolve) => setTimeout(resolve, 200));
            throw new Error('database gone half-way');
          }
          yield item;
        }
      });
      const res = await fetch(`${t.url}/api/calls/export.csv`, { headers: { cookie: admin.cookie! } });
      expect(res.status).to.equal(200);
      let error: unknown = null;
      await res.text().catch((err: unknown) => (error = err));
      expect(error, 'the body must not look complete').to.be.instanceOf(Error);
      await healthy();
      expect(t.logs.some((l) => l.msg === 'response stream failed' && (l.err as { message: string }).message === 'database gone half-way')).to.equal(true);
    });
  });

  it('agents see only the calls of their own extension; users without a call permission get 403', async () => {
    const agent = await createUser(t, admin, ['agent'], 'agent');
    contributeExtensions(t, [{ number: '203', name: 'Agent desk', userId: agent.id }]);
    const own = await agent.client.get('/api/calls?limit=100');
    expect(own.status, own.text).to.equal(200);
    expect(own.body.items.length).to.be.greaterThan(0);
    expect(own.body.items.every((i: { destination: string }) => i.destination === '203')).to.equal(true);
    expect((await agent.client.get('/api/calls/export.csv')).text.split('\n').filter(Boolean)).to.have.length(own.body.items.length + 1);
    const accountant = await createUser(t, admin, ['accountant'], 'accountant');
    expect((await accountant.client.get('/api/calls')).status).to.equal(403);
    expect((await accountant.client.get('/api/calls/export.csv')).status).to.equal(403);
    const technician = await createUser(t, admin, ['technician'], 'tech');
    expect(ids(await technician.client.get('/api/calls?limit=100'))).to.have.length(30);
  });
});
