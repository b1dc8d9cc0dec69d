import { expect } from 'chai';
import { parseByteRange } from '../../core/calls/recordings/byte-range';
import { parseSpoolName } from '../../core/calls/recordings/recording-service';
import { mergeStatus, statusFromDialplan, statusFromLiveEnd } from '../../core/calls/call-status';
import { parseUserfield } from '../../core/calls/cdr-userfield';
import { numberTail } from '../../core/calls/phone-digits';
import { observationFromCdr } from '../../core/calls/call-observation';
import type { CdrRecord } from '../../core/calls/cdr-record';

describe('Call log mapping rules', () => {
  it('parses the dialplan userfield contract, and ignores userfields that are not Carillon’s', () => {
    expect(parseUserfield('carillon;call=1795259758.100691;dir=internal;to=202;dialstatus=NOANSWER;hint=')).to.deep.equal({ linkedid: '1795259758.100691', direction: 'internal', to: '202', dialstatus: 'NOANSWER', hint: '' });
    expect(parseUserfield('carillon;call=x;dir=out;to=0611111111;dialstatus=BUSY')).to.include({ direction: 'outbound', hint: '' });
    // Two bridged channels' userfields joined in one CDR line (Asterisk 22): the first is the line's own.
    expect(parseUserfield('carillon;call=1.2;dir=internal;to=881;dialstatus=;hint=;carillon;call=1.2;dir=internal;to=883;dialstatus=ANSWER;hint=')).to.include({ to: '881', dialstatus: '' });
    expect(parseUserfield('')).to.equal(null);
    expect(parseUserfield('billing=42')).to.equal(null);
    expect(parseUserfield('carillon;dir=in')).to.equal(null);
  });

  it('maps DIALSTATUS, hints and live causes', () => {
    expect(['ANSWER', 'BUSY', 'NOANSWER', 'CANCEL', 'CHANUNAVAIL', 'CONGESTION', ''].map((d) => statusFromDialplan(d, ''))).to.deep.equal(['answered', 'busy', 'no_answer', 'cancelled', 'unavailable', 'failed', null]);
    expect(statusFromDialplan('ANSWER', 'closed')).to.equal('closed');
    expect(statusFromDialplan('', 'dnd')).to.equal('unavailable');
    const live = (cause: number) => statusFromLiveEnd({ outcome: 'no_answer', cause });
    expect([17, 19, 21, 16, 127, 0, 20, 34, 1].map(live)).to.deep.equal(['busy', 'no_answer', 'no_answer', 'cancelled', 'cancelled', 'cancelled', 'unavailable', 'failed', 'failed']);
    expect(statusFromLiveEnd({ outcome: 'answered', cause: 0 })).to.equal('answered');
  });

  it('merges sources: userfield beats CEL beats CDR beats live, live refines a CDR "NO ANSWER"', () => {
    expect(mergeStatus({ status: 'no_answer', origin: 'cdr' }, { status: 'cancelled', origin: 'live' })).to.deep.equal({ status: 'cancelled', origin: 'cdr' });
    expect(mergeStatus({ status: 'cancelled', origin: 'live' }, { status: 'no_answer', origin: 'cdr' })).to.deep.equal({ status: 'cancelled', origin: 'cdr' });
    expect(mergeStatus({ status: 'busy', origin: 'cdr' }, { status: 'cancelled', origin: 'live' })).to.deep.equal({ status: 'busy', origin: 'cdr' });
    expect(mergeStatus({ status: 'answered', origin: 'cdr' }, { status: 'closed', origin: 'userfield' })).to.deep.equal({ status: 'closed', origin: 'userfield' });
    expect(mergeStatus({ status: 'closed', origin: 'userfield' }, { status: 'answered', origin: 'live' })).to.deep.equal({ status: 'closed', origin: 'userfield' });
    expect(mergeStatus({ status: 'answered', origin: 'userfield' }, { status: 'no_answer', origin: 'userfield' })).to.deep.equal({ status: 'answered', origin: 'userfield' });
    // CEL sits between the userfield and the CDR: it knows who hung up first, not opening hours or DND.
    expect(mergeStatus({ status: 'no_answer', origin: 'cdr' }, { status: 'cancelled', origin: 'cel' })).to.deep.equal({ status: 'cancelled', origin: 'cel' });
    expect(mergeStatus({ status: 'cancelled', origin: 'cel' }, { status: 'no_answer', origin: 'cdr' })).to.deep.equal({ status: 'cancelled', origin: 'cel' });
    expect(mergeStatus({ status: 'busy', origin: 'cel' }, { status: 'cancelled', origin: 'live' })).to.deep.equal({ status: 'busy', origin: 'cel' });
    expect(mergeStatus({ status: 'answered', origin: 'cel' }, { status: 'unavailable', origin: 'userfield' })).to.deep.equal({ status: 'unavailable', origin: 'userfield' });
  });

  it('compares numbers by their last nine digits; extensions whole', () => {
    expect(numberTail('+33 6 11 22 33 44')).to.equal(numberTail('06.11.22.33.44'));
    expect(numberTail('0033611223344')).to.equal('611223344');
    expect(numberTail('201')).to.equal('201');
  });

  it('parses Range headers (RFC 9110)', () => {
    expect(parseByteRange(undefined, 1000)).to.equal(null);
    expect(parseByteRange('bytes=0-99', 1000)).to.deep.equal({ start: 0, end: 99 });
    expect(parseByteRange('bytes=900-', 1000)).to.deep.equal({ start: 900, end: 999 });
    expect(parseByteRange('bytes=-100', 1000)).to.deep.equal({ start: 900, end: 999 });
    expect(parseByteRange('bytes=-5000', 1000)).to.deep.equal({ start: 0, end: 999 });
    expect(parseByteRange('bytes=500-5000', 1000)).to.deep.equal({ start: 500, end: 999 });
    expect(parseByteRange('bytes=1000-', 1000)).to.equal('unsatisfiable');
    expect(parseByteRange('bytes=-0', 1000)).to.equal('unsatisfiable');
    expect(parseByteRange('bytes=5-1', 1000)).to.equal('unsatisfiable');
    expect(parseByteRange('items=0-1', 1000)).to.equal('unsatisfiable');
    expect(parseByteRange('bytes=0-1,5-6', 1000)).to.equal(null);
  });

  it('splits spool names <linkedid>-<uniqueid>.wav for Asterisk and UUID ids', () => {
    expect(parseSpoolName('1795259782.100699-1795259782.100700.wav')).to.deep.equal({ linkedid: '1795259782.100699', uniqueid: '1795259782.100700' });
    expect(parseSpoolName('0b9e4f2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b-7f0e4f2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b.wav')).to.deep.equal({ linkedid: '0b9e4f2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b', uniqueid: '7f0e4f2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b' });
    expect(parseSpoolName('notes.txt')).to.equal(null);
  });

  it('keeps the Local ;2 half of a number dialled through the dialplan, drops the bare one', () => {
    const line = (channel: string, userfield: string): CdrRecord => ({
      src: '201', dst: '0612345601', dcontext: 'from-internal', clid: '"Poste 201" <201>', channel, dstchannel: 'PJSIP/trunk-op-00000002', lastapp: 'Dial', lastdata: '',
      start: new Date('2026-11-21T10:00:00Z'), answer: null, end: new Date('2026-11-21T10:00:20Z'), duration: 20, billsec: 0, disposition: 'BUSY', uniqueid: '1795259900.5', userfield,
    });
    const dialled = observationFromCdr(line('Local/0612345601@from-internal-00000001;2', 'carillon;call=1795259900.4;dir=out;to=0612345601;dialstatus=BUSY;hint='));
    expect(dialled).to.include({ callKey: '1795259900.4', destination: '0612345601', direction: 'outbound' });
    expect(dialled!.verdict).to.deep.equal({ status: 'busy', origin: 'userfield' });
    expect(observationFromCdr(line('Local/s@trace-local-0000c495;2', ''))).to.equal(null);
  });
});
