// CEL records as cel_custom writes them with the JSON mapping of appliance/asterisk/cel_custom.conf
// (the `json` records of 10-cel.jsonl in the reference traces): one object per line, keys in this order.
import fs from 'node:fs';

export interface CelRecord {
  eventtype: string;
  /** Epoch seconds with microseconds, `1795259702.287064`. */
  eventtime: string;
  name: string;
  num: string;
  ani: string;
  rdnis: string;
  dnid: string;
  exten: string;
  context: string;
  channame: string;
  appname: string;
  appdata: string;
  amaflags: 'DOCUMENTATION';
  accountcode: string;
  uniqueid: string;
  linkedid: string;
  peer: string;
  peeraccount: string;
  userfield: string;
  /** JSON text (hangupcause, bridge_id, transfer details…) or empty. */
  eventextra: string;
}

/** What a channel looks like at the moment of an event. */
export interface CelChannelView {
  id: string;
  linkedid: string;
  name: string;
  caller: { name: string; number: string };
  dialplan: { context: string; exten: string; app_name: string; app_data: string };
}

let lastMicros = 0;
/** Strictly increasing microsecond timestamps, as Asterisk's records are ordered by time. */
function eventTime(): string {
  const micros = Math.max(Date.now() * 1000, lastMicros + 1);
  lastMicros = micros;
  return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
}

/** Keeps CEL records in memory and, when given a file, appends them like cel_custom does. */
export class CelLog {
  readonly records: CelRecord[] = [];

  constructor(private readonly options: { file?: string }) {}

  write(eventtype: string, channel: CelChannelView, options: { peer?: string; extra?: Record<string, unknown>; app?: { name: string; data: string } } = {}): CelRecord {
    const record: CelRecord = {
      eventtype,
      eventtime: eventTime(),
      name: channel.caller.name,
      num: channel.caller.number,
      ani: '',
      rdnis: '',
      dnid: '',
      exten: channel.dialplan.exten,
      context: channel.dialplan.context,
      channame: channel.name,
      appname: options.app?.name ?? channel.dialplan.app_name,
      appdata: options.app?.data ?? channel.dialplan.app_data,
      amaflags: 'DOCUMENTATION',
      accountcode: '',
      uniqueid: channel.id,
      linkedid: channel.linkedid,
      peer: options.peer ?? '',
      peeraccount: '',
      userfield: '',
      eventextra: options.extra ? JSON.stringify(options.extra) : '',
    };
    this.records.push(record);
    if (this.options.file) fs.appendFileSync(this.options.file, `${JSON.stringify(record)}\n`);
    return record;
  }
}
