import { Op, type Sequelize, type Transaction } from 'sequelize';
import type { CallerNameLookup } from './caller-name-lookup';
import type { CallObservation } from './call-observation';
import { CallLeg, CallRecord, CallRecording } from './call-models';
import { mergeStatus, type CallDirection } from './call-status';
import { numberTail } from './phone-digits';

function extensionsOf(direction: CallDirection, callerNumber: string, destination: string): { extension: string | null; callerExtension: string | null } {
  const short = (value: string) => (value ? value.slice(0, 32) : null);
  if (direction === 'inbound') return { extension: short(destination), callerExtension: null };
  if (direction === 'outbound') return { extension: null, callerExtension: short(callerNumber) };
  return { extension: short(destination), callerExtension: short(callerNumber) };
}

const seconds = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

/** A CDR line covering the whole call gives its own duration: its times are cut to the second. */
function durationOf(startAt: Date, endAt: Date, observation: CallObservation): number {
  const spansCall = observation.startAt.getTime() === startAt.getTime() && observation.endAt.getTime() === endAt.getTime();
  return spansCall && observation.durationSeconds !== undefined ? observation.durationSeconds : seconds(startAt, endAt);
}

/**
 * Writes the call log. Every source (live events, CDR lines) hands in observations; one call
 * (linkedid) makes one row however many sources and lines describe it. The CDR wins for times
 * and durations, the dialplan's userfield for status, direction and destination. Writes are
 * serialised: live events and the CDR reader may describe the same call at the same moment.
 */
export class CallLogService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sequelize: Sequelize,
    private readonly callerNames: CallerNameLookup,
  ) {}

  record(observation: CallObservation): Promise<CallRecord> {
    const run = this.queue.then(() => this.write(observation));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The call a channel belongs to, when a source already linked it. */
  async callKeyOfLeg(uniqueid: string): Promise<string | null> {
    return (await CallLeg.findByPk(uniqueid))?.callKey ?? null;
  }

  private async write(observation: CallObservation): Promise<CallRecord> {
    // A CDR line without a userfield names only its channel: find the call it was linked to.
    const linked = await CallLeg.findAll({ where: { uniqueid: { [Op.in]: [observation.callKey, ...observation.legs] } } });
    const own = linked.find((leg) => leg.uniqueid === observation.callKey)?.callKey;
    // CEL names the call itself (linkedid): another leg's call is not this one. After an attended
    // transfer the consultation call's channels are among the legs, and its row is its own.
    const callKey = own ?? (observation.source === 'cel' ? undefined : linked[0]?.callKey) ?? observation.callKey;
    const fragments = observation.source === 'cel' ? await this.fragmentsOf(callKey, linked.filter((leg) => observation.linkedLegs?.includes(leg.uniqueid))) : [];
    const existing = await CallRecord.findOne({ where: { callKey } });
    const callerName = observation.callerName || (existing?.callerName ?? '') || (await this.callerNames.nameOf(observation.callerNumber));
    return this.sequelize.transaction(async (transaction) => {
      let row: CallRecord;
      if (!existing) {
        row = CallRecord.build({
          callKey,
          startAt: observation.startAt,
          endAt: observation.endAt,
          callerNumber: observation.callerNumber.slice(0, 64),
          callerName,
          callerTail: numberTail(observation.callerNumber),
          destination: observation.destination.slice(0, 64),
          destinationTail: numberTail(observation.destination),
          ...extensionsOf(observation.direction, observation.callerNumber, observation.destination),
          direction: observation.direction,
          durationSeconds: durationOf(observation.startAt, observation.endAt, observation),
          talkSeconds: observation.talkSeconds,
          status: observation.verdict.status,
          statusOrigin: observation.verdict.origin,
          seenLive: observation.source === 'live',
          seenCdr: observation.source === 'cdr',
          seenCel: observation.source === 'cel',
          transferredTo: observation.transferredTo?.slice(0, 64) ?? null,
        });
      } else {
        row = existing;
        this.merge(row, observation, callerName);
      }
      await row.save({ transaction });
      for (const fragment of fragments) await this.fold(fragment, callKey, transaction);
      const legs = [...new Set([callKey, ...observation.legs])].map((uniqueid) => ({ uniqueid, callKey }));
      await CallLeg.bulkCreate(legs, { ignoreDuplicates: true, transaction });
      return row;
    });
  }

  /**
   * Rows that a CDR line without a userfield made of one of this call's channels before CEL said
   * which call the channel belongs to: after an attended transfer, Asterisk starts a new CDR for
   * the transferee and the target, on the transferee's channel, and no dialplan runs to name the
   * call. Only channels that carried this call's linkedid count: the consultation call's own
   * channel is among the legs too, and its row is a call of its own (as is any row the dialplan described).
   */
  private async fragmentsOf(callKey: string, linked: CallLeg[]): Promise<CallRecord[]> {
    const keys = [...new Set(linked.map((leg) => leg.callKey))].filter((key) => key !== callKey && linked.some((leg) => leg.uniqueid === key));
    if (!keys.length) return [];
    const rows = await CallRecord.findAll({ where: { callKey: { [Op.in]: keys } } });
    return rows.filter((r) => r.statusOrigin === 'cdr' && !r.seenCel && !r.seenLive);
  }

  /** Moves a fragment's legs and recordings to the call, then drops its row (the call's CEL observation covers its time). */
  private async fold(fragment: CallRecord, callKey: string, transaction: Transaction): Promise<void> {
    await CallLeg.update({ callKey }, { where: { callKey: fragment.callKey }, transaction });
    await CallRecording.update({ callKey }, { where: { callKey: fragment.callKey }, transaction });
    await fragment.destroy({ transaction });
  }

  private merge(row: CallRecord, observation: CallObservation, callerName: string): void {
    const fromAsterisk = row.seenCdr || row.seenCel;
    if (observation.source === 'cdr' || observation.source === 'cel') {
      // The first Asterisk record replaces live timing; further CDR lines and CEL widen it.
      const startAt = fromAsterisk && row.startAt < observation.startAt ? row.startAt : observation.startAt;
      const endAt = fromAsterisk && row.endAt > observation.endAt ? row.endAt : observation.endAt;
      if (observation.source === 'cel') {
        // CEL counts only bridged time: it wins over the CDR's billsec, which starts at any answer.
        row.talkSeconds = observation.talkSeconds;
        row.seenCel = true;
        if (observation.transferredTo) row.transferredTo = observation.transferredTo.slice(0, 64);
      } else if (!row.seenCel) {
        row.talkSeconds = row.seenCdr ? Math.max(row.talkSeconds, observation.talkSeconds) : observation.talkSeconds;
      }
      row.startAt = startAt;
      row.endAt = endAt;
      if (observation.source === 'cdr') row.seenCdr = true;
    } else {
      if (!fromAsterisk) {
        // Live observations of one call are cumulative (all its legs so far): take the latest.
        row.startAt = observation.startAt;
        row.endAt = observation.endAt;
        row.talkSeconds = observation.talkSeconds;
      }
      row.seenLive = true;
    }
    // Live events after Asterisk's records change no times, so they keep its duration.
    if (observation.source !== 'live' || !fromAsterisk) row.durationSeconds = durationOf(row.startAt, row.endAt, observation);
    const describedBefore = row.statusOrigin === 'userfield' && !observation.dialplanDescribed;
    const current = { status: row.status, origin: row.statusOrigin };
    const verdict = current.origin === 'live' && observation.verdict.origin === 'live' ? observation.verdict : mergeStatus(current, observation.verdict);
    row.status = verdict.status;
    row.statusOrigin = verdict.origin;
    if (!row.callerNumber && observation.callerNumber) {
      row.callerNumber = observation.callerNumber.slice(0, 64);
      row.callerTail = numberTail(observation.callerNumber);
    }
    if (!row.callerName && callerName) row.callerName = callerName;
    // Who was reached: the dialplan knows best, then live events (they see the bridged phone), then the CDR.
    const takeDestination = observation.dialplanDescribed || (!describedBefore && (!row.destination || ((observation.source === 'live' || observation.destinationReached === true) && !!observation.destination)));
    if (takeDestination && observation.destination) {
      row.destination = observation.destination.slice(0, 64);
      row.destinationTail = numberTail(observation.destination);
      row.direction = observation.direction;
      const extensions = extensionsOf(row.direction, row.callerNumber, row.destination);
      row.extension = extensions.extension;
      row.callerExtension = extensions.callerExtension;
    }
  }
}
