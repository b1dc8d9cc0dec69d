import { setTimeout as sleep } from 'node:timers/promises';
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
 * Runs a transaction again when SQLite answers SQLITE_BUSY: Sequelize gives each transaction a
 * connection of its own without a busy timeout, and a transaction that read before it writes
 * fails at once when another connection wrote in between. Nothing of it was kept: it is rerun whole.
 */
async function againWhenBusy<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (err) {
      if (attempt >= 10 || !String((err as Error).message).includes('SQLITE_BUSY')) throw err;
      await sleep(10 * attempt);
    }
  }
}

/**
 * Writes the call log. Every source (live events, CDR lines) hands in observations; one call
 * (linkedid) makes one row however many sources and lines describe it. The CDR wins for times
 * and durations, the dialplan's userfield for status, direction and destination. Writes are
 * serialised: live events and the CDR reader may describe the same call at the same moment.
 */
export class CallLogService {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly writtenListeners = new Set<(calls: CallRecord[]) => void>();

  constructor(
    private readonly sequelize: Sequelize,
    private readonly callerNames: CallerNameLookup,
  ) {}

  record(observation: CallObservation): Promise<void> {
    return this.recordAll([observation]);
  }

  /**
   * Writes observations in order, in one transaction: a backlog's batch costs a few queries
   * (what it touches is read at once, merged in memory, and new rows and legs inserted at once)
   * rather than a transaction of five queries per call.
   */
  recordAll(observations: CallObservation[]): Promise<void> {
    return this.serialised(async () => {
      // Looked up before the transaction: a slow directory must not hold it open.
      const names = new Map<string, string>();
      for (const { callerName, callerNumber } of observations) if (!callerName && !names.has(callerNumber)) names.set(callerNumber, await this.callerNames.nameOf(callerNumber));
      const written = await againWhenBusy(() => this.sequelize.transaction((transaction) => this.write(observations, names, transaction)));
      for (const listener of this.writtenListeners) listener(written);
    });
  }

  /** Calls the listener, after each commit, with the call rows that were created or changed (webhooks' `call.logged`). */
  onWritten(listener: (calls: CallRecord[]) => void): () => void {
    this.writtenListeners.add(listener);
    return () => this.writtenListeners.delete(listener);
  }

  /**
   * Runs `write` between the call log's transactions. The CDR and CEL readers save their position
   * this way: on SQLite, a write outside the queue waits for the lock behind a backlog's stream of
   * transactions, and can starve.
   */
  serialised<T>(write: () => Promise<T>): Promise<T> {
    const run = this.queue.then(write);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The call a channel belongs to, when a source already linked it. */
  async callKeyOfLeg(uniqueid: string): Promise<string | null> {
    return (await CallLeg.findByPk(uniqueid))?.callKey ?? null;
  }

  private async write(observations: CallObservation[], names: Map<string, string>, transaction: Transaction): Promise<CallRecord[]> {
    const uniqueids = [...new Set(observations.flatMap((o) => [o.callKey, ...o.legs]))];
    const legs = new Map((await CallLeg.findAll({ where: { uniqueid: { [Op.in]: uniqueids } }, transaction })).map((leg) => [leg.uniqueid, leg.callKey]));
    const keys = [...new Set([...observations.map((o) => o.callKey), ...legs.values()])];
    const rows = new Map((await CallRecord.findAll({ where: { callKey: { [Op.in]: keys } }, transaction })).map((row) => [row.callKey, row]));
    const newLegs = new Map<string, string>();
    for (const observation of observations) {
      // A CDR line without a userfield names only its channel: find the call it was linked to.
      const linked = [...new Set([observation.callKey, ...observation.legs])].filter((id) => legs.has(id));
      // CEL names the call itself (linkedid): another leg's call is not this one. After an attended
      // transfer the consultation call's channels are among the legs, and its row is its own.
      const callKey = legs.get(observation.callKey) ?? (observation.source === 'cel' ? undefined : legs.get(linked[0] ?? '')) ?? observation.callKey;
      if (observation.source === 'cel') {
        for (const fragment of this.fragmentsOf(callKey, linked.filter((id) => observation.linkedLegs?.includes(id)), legs, rows)) {
          await this.fold(fragment, callKey, transaction);
          rows.delete(fragment.callKey);
          for (const map of [legs, newLegs]) for (const [id, key] of map) if (key === fragment.callKey) map.set(id, callKey);
        }
      }
      const existing = rows.get(callKey);
      const callerName = observation.callerName || (existing?.callerName ?? '') || (names.get(observation.callerNumber) ?? '');
      if (existing) this.merge(existing, observation, callerName);
      else rows.set(callKey, this.build(callKey, observation, callerName));
      for (const id of [callKey, ...observation.legs]) {
        if (legs.has(id)) continue;
        legs.set(id, callKey);
        newLegs.set(id, callKey);
      }
    }
    const created = [...rows.values()].filter((row) => row.isNewRecord);
    if (created.length) await CallRecord.bulkCreate(
        created.map((row) => {
          const { id: _id, ...values } = row.get({ plain: true });
          return values;
        }),
        { transaction },
      );
    const changed = [...rows.values()].filter((row) => !row.isNewRecord && row.changed());
    for (const row of changed) await row.save({ transaction });
    if (newLegs.size) await CallLeg.bulkCreate([...newLegs].map(([uniqueid, callKey]) => ({ uniqueid, callKey })), { ignoreDuplicates: true, transaction });
    return [...created, ...changed];
  }

  private build(callKey: string, observation: CallObservation, callerName: string): CallRecord {
    return CallRecord.build({
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
  }

  /**
   * Rows that a CDR line without a userfield made of one of this call's channels before CEL said
   * which call the channel belongs to: after an attended transfer, Asterisk starts a new CDR for
   * the transferee and the target, on the transferee's channel, and no dialplan runs to name the
   * call. Only channels that carried this call's linkedid count: the consultation call's own
   * channel is among the legs too, and its row is a call of its own (as is any row the dialplan described).
   */
  private fragmentsOf(callKey: string, linked: string[], legs: Map<string, string>, rows: Map<string, CallRecord>): CallRecord[] {
    const keys = [...new Set(linked.map((id) => legs.get(id)!))].filter((key) => key !== callKey && linked.includes(key));
    return keys.map((key) => rows.get(key)).filter((r): r is CallRecord => !!r && !r.isNewRecord && r.statusOrigin === 'cdr' && !r.seenCel && !r.seenLive);
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

/** Observations of a backlog, written a batch at a time (CallLogService.recordAll). */
export class ObservationBatch {
  private observations: CallObservation[] = [];

  constructor(
    private readonly callLog: CallLogService,
    private readonly size = 50,
  ) {}

  /** Adds one; resolves with how many were written (the batch when it is full, else 0). */
  add(observation: CallObservation): Promise<number> {
    this.observations.push(observation);
    return this.observations.length >= this.size ? this.flush() : Promise.resolve(0);
  }

  /** Writes what was added; resolves with how many. */
  async flush(): Promise<number> {
    const observations = this.observations;
    if (!observations.length) return 0;
    this.observations = [];
    await this.callLog.recordAll(observations);
    return observations.length;
  }
}
