import fs from 'node:fs';
import { cdr, userfield } from './calls-harness';

/** Asterisk's channel ids of the generated calls: `<second>.<counter>`, counters rising as in one run. */
const FIRST_SECOND = 1795300000;
const BACKLOG_START = new Date(FIRST_SECOND * 1000);

/** The CDR line of backlog call `i` (each answered, from the dialplan, with its userfield). */
export function backlogCdrLine(i: number, start = new Date(BACKLOG_START.getTime() + i * 1000)): string {
  const id = `backlog.${i}`;
  return cdr({ uniqueid: id, start, talk: 20, userfield: userfield({ call: id, dir: 'in', to: '201', dialstatus: 'ANSWER' }) });
}

/** The CEL lines (cel_custom JSON) of backlog call `i`: one inbound channel, answered, hung up. */
export function backlogCelLines(i: number, second = FIRST_SECOND + i): string[] {
  const id = `${second}.${i}`;
  const event = (eventtype: string, at: number, eventextra = '') =>
    JSON.stringify({ eventtype, eventtime: `${at}.000000`, name: '', num: '0611223344', ani: '0611223344', rdnis: '', dnid: '', exten: '201', context: 'carillon-inbound', channame: `PJSIP/trunk-op-${i.toString(16).padStart(8, '0')}`, appname: '', appdata: '', amaflags: 'DOCUMENTATION', accountcode: '', uniqueid: id, linkedid: id, peer: '', peeraccount: '', userfield: '', eventextra });
  return [event('CHAN_START', second), event('ANSWER', second), event('HANGUP', second + 20, JSON.stringify({ hangupcause: 16, hangupsource: '', dialstatus: '' })), event('CHAN_END', second + 20), event('LINKEDID_END', second + 20)];
}

/** Writes about `bytes` of backlog calls to each file; resolves with how many calls each holds. */
export function writeBacklog(files: { cdrFile: string; celFile: string }, bytes: number): { cdrCalls: number; celCalls: number } {
  const write = (file: string, lineOf: (i: number) => string) => {
    const fd = fs.openSync(file, 'w');
    let calls = 0;
    try {
      for (let size = 0; size < bytes; ) {
        const block: string[] = [];
        for (let j = 0; j < 1000; j++) block.push(lineOf(calls++));
        const text = `${block.join('\n')}\n`;
        fs.writeSync(fd, text);
        size += Buffer.byteLength(text);
      }
    } finally {
      fs.closeSync(fd);
    }
    return calls;
  };
  return { cdrCalls: write(files.cdrFile, (i) => backlogCdrLine(i)), celCalls: write(files.celFile, (i) => backlogCelLines(i).join('\n')) };
}

/** The backlog call index of the first line at `offset` (`backlog.<i>` in the CDR file, `<second>.<i>` in CEL). */
export function callAt(file: string, offset: number): number {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const read = fs.readSync(fd, buffer, 0, buffer.length, offset);
    const line = buffer.toString('utf8', 0, read).split('\n')[0]!;
    const match = /"backlog\.(\d+)"|"uniqueid":"\d+\.(\d+)"/.exec(line);
    if (!match) throw new Error(`no backlog call at ${offset} of ${file}: ${line.slice(0, 120)}`);
    return Number(match[1] ?? match[2]);
  } finally {
    fs.closeSync(fd);
  }
}

/** A call made now: its CDR line and CEL lines, keyed `live.<tag>` and `<now>.<counter>` (a counter above the backlog's). */
export function liveCall(tag: number): { cdrLine: string; celLines: string[]; cdrKey: string; celKey: string } {
  const second = Math.floor(Date.now() / 1000);
  const counter = 10_000_000 + tag;
  const cdrKey = `live.${tag}`;
  return {
    cdrLine: cdr({ uniqueid: cdrKey, start: new Date(second * 1000), talk: 5, userfield: userfield({ call: cdrKey, dir: 'in', to: '202', dialstatus: 'ANSWER' }) }),
    celLines: backlogCelLines(counter, second),
    cdrKey,
    celKey: `${second}.${counter}`,
  };
}
