import path from 'node:path';
import { expect } from 'chai';
import { Op } from 'sequelize';
import { CallRecord } from '../../core/calls/call-models';
import { numberSearch, searchDigits } from '../../core/calls/phone-digits';
import type { ApiClient } from '../support/api-client';
import { createTestDatabase, testDatabaseTarget } from '../support/database';
import { tempDir, type TestApp } from '../support/test-app';
import { contributeExtensions, cradle, observation, startCallsApp } from './calls-harness';

describe('Call log number search: how numbers are read', () => {
  it('stores public numbers as international digits, whatever the format, and other numbers as digits', () => {
    for (const typed of ['0632841234', '+33 6 32 84 12 34', '0033632841234', '+33 (0)6 32 84 12 34']) expect(searchDigits(typed, 'FR'), typed).to.equal('33632841234');
    expect(searchDigits('+44 20 7946 0000', 'FR')).to.equal('442079460000');
    expect(searchDigits('201', 'FR')).to.equal('201');
    expect(searchDigits('3919', 'FR')).to.equal('3919');
    expect(searchDigits('anonymous', 'FR')).to.equal('');
    expect(searchDigits('02 555 12 12', 'BE')).to.equal('3225551212');
  });

  it('reads a typed number with the national prefix or a country code as a start, bare digits as a part', () => {
    expect(numberSearch('063284', 'FR')).to.deep.equal({ prefix: '3363284' });
    expect(numberSearch('06 32 84', 'FR')).to.deep.equal({ prefix: '3363284' });
    expect(numberSearch('+33 6 32', 'FR')).to.deep.equal({ prefix: '33632' });
    expect(numberSearch('0033 6 32', 'FR')).to.deep.equal({ prefix: '33632' });
    expect(numberSearch('02 555', 'BE')).to.deep.equal({ prefix: '322555' });
    expect(numberSearch('1234', 'FR')).to.deep.equal({ contains: '1234' });
    expect(numberSearch('201', 'FR')).to.deep.equal({ contains: '201' });
    expect(numberSearch('--', 'FR')).to.equal(null);
  });
});

/** Partial numbers through `/api/calls?number=`, among 2,000 calls, on both dialects. */
for (const dialect of ['sqlite', 'mariadb'] as const) {
  describe(`Call log number search among 2,000 calls (${dialect})`, function () {
    this.timeout(120_000);
    let t: TestApp;
    let admin: ApiClient;
    const base = new Date('2026-11-02T08:00:00Z');
    const minute = (n: number) => new Date(base.getTime() + n * 60_000);

    // The calls the searches look for, recorded through the call log service like real ones.
    const targets = [
      { callKey: 't.e164', callerNumber: '+33632841234', destination: '201', direction: 'inbound' as const },
      { callKey: 't.national', callerNumber: '0632841234', destination: '202', direction: 'inbound' as const },
      { callKey: 't.outbound', callerNumber: '203', destination: '0033 6 32 84 99 99', direction: 'outbound' as const },
      { callKey: 't.middle', callerNumber: '+33 1 63 28 41 23', destination: '202', direction: 'inbound' as const },
      { callKey: 't.foreign', callerNumber: '+44 20 7946 0000', destination: '201', direction: 'inbound' as const },
    ];

    before(async function () {
      if (dialect === 'mariadb' && (await testDatabaseTarget()).dialect !== 'mariadb') this.skip();
      const dir = tempDir(`carillon-number-search-${dialect}-`);
      t = await startCallsApp({ cdrFile: path.join(dir, 'Master.csv'), dataDir: dir, database: await createTestDatabase(dir, dialect) });
      admin = await t.adminClient();
      // 2,000 other calls whose numbers are made of 5, 7 and 9 only (after +33 / 0 and a first digit),
      // so none holds the digits searched for below.
      const digits = (i: number, n: number) => Array.from({ length: n }, (_, k) => '579'[(i * 7 + k * 3 + Math.floor(i / (k + 1))) % 3]).join('');
      const rows = Array.from({ length: 2000 }, (_, i) => {
        const forms = [`+339${digits(i, 8)}`, `09${digits(i, 8)}`, `00339${digits(i, 8)}`, `2${digits(i, 2)}`];
        return {
          callKey: `n.${i}`,
          startAt: minute(i),
          endAt: minute(i + 1),
          callerNumber: forms[i % 4],
          callerName: '',
          callerTail: '',
          destination: i % 2 ? '255' : `07${digits(i + 1, 8)}`,
          destinationTail: '',
          extension: null,
          callerExtension: null,
          direction: 'inbound' as const,
          durationSeconds: 60,
          talkSeconds: 50,
          status: 'answered' as const,
          statusOrigin: 'userfield' as const,
          seenLive: false,
          seenCdr: true,
        };
      });
      for (let i = 0; i < rows.length; i += 500) await CallRecord.bulkCreate(rows.slice(i, i + 500));
      const log = cradle(t).callLogService;
      for (const [i, target] of targets.entries()) await log.record(observation({ ...target, startAt: minute(300 * i + 7) }));
      expect(await CallRecord.count()).to.equal(2005);
    });
    after(() => t?.stop());

    const found = async (number: string, limit = 100) => {
      const res = await admin.get(`/api/calls?number=${encodeURIComponent(number)}&limit=${limit}`);
      expect(res.status, res.text).to.equal(200);
      return (res.body.items as Array<{ callId: string }>).map((i) => i.callId).sort();
    };

    it('finds a partial number typed nationally, stored in E.164 or nationally, on either side of the call', async () => {
      expect(await found('063284')).to.deep.equal(['t.e164', 't.national', 't.outbound']);
      expect(await found('06 32 84')).to.deep.equal(['t.e164', 't.national', 't.outbound']);
      expect(await found('06328412')).to.deep.equal(['t.e164', 't.national']);
    });

    it('finds a partial number typed internationally, with + or 00', async () => {
      expect(await found('+33 6 32 84')).to.deep.equal(['t.e164', 't.national', 't.outbound']);
      expect(await found('0033632849')).to.deep.equal(['t.outbound']);
      expect(await found('+4420')).to.deep.equal(['t.foreign']);
      expect(await found('0044 20 79')).to.deep.equal(['t.foreign']);
    });

    it('finds bare digits anywhere in a number: its end, its middle, an extension', async () => {
      expect(await found('63284')).to.deep.equal(['t.e164', 't.middle', 't.national', 't.outbound']);
      expect(await found('1234')).to.deep.equal(['t.e164', 't.national']);
      expect(await found('203')).to.deep.equal(['t.outbound']);
    });

    it('still finds a whole number in any format, and nothing for a number no call has', async () => {
      for (const typed of ['06 32 84 12 34', '+33632841234', '0033632841234']) expect(await found(typed), typed).to.deep.equal(['t.e164', 't.national']);
      expect(await found('06 32 84 12 35')).to.deep.equal([]);
      expect(await found('+33 1 11 11 11 11')).to.deep.equal([]);
    });

    it('pages through the matches without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; text: string; body: { items: Array<{ callId: string }>; nextCursor: string | null } } = await admin.get(`/api/calls?number=63284&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status, res.text).to.equal(200);
        seen.push(...res.body.items.map((i) => i.callId));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).to.deep.equal(['t.middle', 't.outbound', 't.national', 't.e164']);
    });

    it('keeps the searchable digits when a later observation fills in the number', async () => {
      const log = cradle(t).callLogService;
      await log.record(observation({ callKey: 't.late', startAt: minute(2500), callerNumber: '', destination: '201' }));
      expect(await found('0698')).to.deep.equal([]);
      await log.record(observation({ callKey: 't.late', startAt: minute(2500), callerNumber: '06 98 76 54 32', destination: '201' }));
      expect(await found('0698')).to.deep.equal(['t.late']);
    });

    it("names the extensions of each call as they are now", async () => {
      contributeExtensions(t, [{ number: '201', name: 'Accueil' }, { number: '203', name: 'Ventes' }]);
      const res = await admin.get(`/api/calls?number=${encodeURIComponent('063284')}`);
      const byKey = Object.fromEntries((res.body.items as Array<{ callId: string }>).map((i) => [i.callId, i]));
      expect(byKey['t.e164']).to.deep.include({ extension: '201', extensionName: 'Accueil', callerExtension: null, callerExtensionName: null });
      expect(byKey['t.national']).to.deep.include({ extension: '202', extensionName: null });
      expect(byKey['t.outbound']).to.deep.include({ callerExtension: '203', callerExtensionName: 'Ventes' });
    });

    it('a prefix search can read the digits indexes', async function () {
      if (dialect !== 'mariadb') this.skip(); // EXPLAIN's shape is MariaDB's
      let sql = '';
      await CallRecord.findAll({ where: { callerDigits: { [Op.like]: '3363284%' } }, order: [['startAt', 'DESC'], ['id', 'DESC']], limit: 51, logging: (text: string) => (sql = text.replace(/^Executing \([^)]*\): /, '')) });
      const [plan] = (await CallRecord.sequelize!.query(`EXPLAIN ${sql}`)) as [Array<{ possible_keys: string | null }>, unknown];
      expect(plan[0].possible_keys).to.include('call_log_caller_digits_start');
    });
  });
}
