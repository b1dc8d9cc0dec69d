import assert from 'node:assert/strict';
import { AbandonLedger, isAbandoned, OFCOM_WINDOW_SECONDS, TSR_WINDOW_SECONDS } from './abandon-accounting';

describe('abandon accounting', () => {
  describe('a live answer is abandoned when…', () => {
    const table: readonly [string, Parameters<typeof isAbandoned>[0], boolean][] = [
      ['connected as the greeting ends', { greetingEndedAt: 100, agentConnectedAt: 100 }, false],
      ['connected exactly 2 s after the greeting', { greetingEndedAt: 100, agentConnectedAt: 102 }, false],
      ['connected 2.01 s after the greeting', { greetingEndedAt: 100, agentConnectedAt: 102.01 }, true],
      ['never connected (played the message)', { greetingEndedAt: 100, agentConnectedAt: null }, true],
      ['taken for a machine by detection', { greetingEndedAt: 100, agentConnectedAt: null, classifiedAsMachine: true }, true],
      ['taken for a machine even if later bridged', { greetingEndedAt: 100, agentConnectedAt: 100.5, classifiedAsMachine: true }, true],
    ];
    for (const [name, answer, expected] of table) {
      it(name, () => assert.equal(isAbandoned(answer), expected));
    }
  });

  it('divides abandons by live answers, not by dialled calls', () => {
    const ledger = new AbandonLedger(OFCOM_WINDOW_SECONDS);
    for (let i = 0; i < 97; i++) ledger.recordAnswer({ greetingEndedAt: i, agentConnectedAt: i + 1 });
    for (let i = 97; i < 100; i++) ledger.recordAnswer({ greetingEndedAt: i, agentConnectedAt: null });
    assert.deepEqual(ledger.counts(100), { liveAnswers: 100, abandoned: 3, rate: 0.03 });
  });

  it('counts over the sliding 24-hour Ofcom window, (now − 24 h, now]', () => {
    const ledger = new AbandonLedger(OFCOM_WINDOW_SECONDS);
    ledger.record(0, true);
    ledger.record(3600, false);
    ledger.record(7200, false);
    assert.deepEqual(ledger.counts(86_399), { liveAnswers: 3, abandoned: 1, rate: 1 / 3 });
    assert.deepEqual(ledger.counts(86_400), { liveAnswers: 2, abandoned: 0, rate: 0 });
    assert.deepEqual(ledger.counts(200_000), { liveAnswers: 0, abandoned: 0, rate: 0 });
  });

  it('keeps a day-old abandon in the 30-day TSR window', () => {
    const ledger = new AbandonLedger(TSR_WINDOW_SECONDS);
    ledger.record(0, true);
    ledger.record(10, false);
    assert.equal(ledger.counts(2 * 86_400).rate, 0.5);
    assert.equal(ledger.counts(30 * 86_400 + 5).liveAnswers, 1);
  });

  it('does not count records later than the instant asked about', () => {
    const ledger = new AbandonLedger(OFCOM_WINDOW_SECONDS);
    ledger.record(10, false);
    ledger.record(20, true);
    assert.deepEqual(ledger.counts(15), { liveAnswers: 1, abandoned: 0, rate: 0 });
  });

  it('stays correct across many records (internal compaction)', () => {
    const ledger = new AbandonLedger(1000);
    for (let t = 0; t < 20_000; t++) ledger.record(t, t % 50 === 0);
    const counts = ledger.counts(19_999);
    assert.equal(counts.liveAnswers, 1000);
    assert.equal(counts.abandoned, 20);
  });
});
