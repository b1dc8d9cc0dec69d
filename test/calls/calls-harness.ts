import fs from 'node:fs';
import path from 'node:path';
import type { CarillonConfigInput } from '../../core/config/schema';
import type { CoreCradle } from '../../core/container';
import type { CallObservation } from '../../core/calls/call-observation';
import type { ExtensionDirectory } from '../../core/calls/extension-directory';
import { EXTENSION_DIRECTORY } from '../../core/calls/extension-directory';
import { cdrLine, cdrTime, type CdrFields } from '../ari-simulator/cdr';
import { startTestApp, tempDir, type TestApp } from '../support/test-app';
import type { TestDatabase } from '../support/database';

export interface CallsAppOptions {
  ariUrl?: string;
  cdrFile: string;
  /** cel_custom's JSON file; default: one in the data folder that nothing writes. */
  celFile?: string;
  dataDir?: string;
  database?: TestDatabase;
  overrides?: CarillonConfigInput;
}

/** A real Carillon whose call log reads `cdrFile` and, when given, talks to a simulator. */
export function startCallsApp(options: CallsAppOptions): Promise<TestApp> {
  const dataDir = options.dataDir ?? tempDir('carillon-calls-');
  return startTestApp({
    dataDir,
    database: options.database,
    overrides: {
      log: { level: 'warn' },
      telephony: {
        cdrFile: options.cdrFile,
        celFile: options.celFile ?? path.join(dataDir, 'cel-none.json'),
        recordingsSpoolDir: path.join(dataDir, 'spool'),
        ...(options.ariUrl ? { ari: { url: options.ariUrl, username: 'carillon', password: 'carillon', requestTimeoutMs: 1000, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } } } : {}),
      },
      ...options.overrides,
    },
  });
}

export function cradle(t: TestApp): CoreCradle {
  return t.app.cradle;
}

/** Polls an async condition; a deadline, not a timing assertion. */
export async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The userfield the generated dialplan writes (the contract of issue 3). */
export function userfield(f: { call: string; dir: 'in' | 'out' | 'internal'; to: string; dialstatus: string; hint?: '' | 'closed' | 'dnd' }): string {
  return `carillon;call=${f.call};dir=${f.dir};to=${f.to};dialstatus=${f.dialstatus};hint=${f.hint ?? ''}`;
}

/** A cdr_csv line as Asterisk writes it (same writer as the simulator). */
export function cdr(fields: Omit<Partial<CdrFields>, 'start'> & { uniqueid: string; start: Date; seconds?: number; talk?: number }): string {
  const seconds = fields.seconds ?? 10;
  const talk = fields.talk ?? 0;
  const end = new Date(fields.start.getTime() + seconds * 1000);
  const { start, seconds: _s, talk: _t, ...rest } = fields;
  return cdrLine({
    accountcode: '',
    src: '0611223344',
    dst: '201',
    dcontext: 'carillon-inbound',
    clid: '"" <0611223344>',
    channel: 'PJSIP/trunk-op-00000001',
    dstchannel: '',
    lastapp: 'Dial',
    lastdata: 'PJSIP/201,30',
    answer: talk ? cdrTime(new Date(end.getTime() - talk * 1000)) : '',
    end: cdrTime(end),
    duration: seconds,
    billsec: talk,
    disposition: talk ? 'ANSWERED' : 'NO ANSWER',
    amaflags: 'DOCUMENTATION',
    userfield: '',
    ...rest,
    start: cdrTime(start),
  });
}

export function appendCdr(file: string, lines: string[]): void {
  fs.appendFileSync(file, lines.map((l) => `${l}\n`).join(''));
}

/** Extensions as the telephony resources would contribute them. */
export function contributeExtensions(t: TestApp, extensions: Array<{ number: string; name: string; sipUsername?: string; userId?: number }>): void {
  const directory: ExtensionDirectory = {
    list: async () => extensions.map((e) => ({ number: e.number, name: e.name, sipUsername: e.sipUsername ?? e.number })),
    numbersOfUser: async (userId) => extensions.filter((e) => e.userId === userId).map((e) => e.number),
  };
  cradle(t).collections.contribute(EXTENSION_DIRECTORY, 'core', directory);
}

/** A call observation for filling the log directly (filters, paging, export). */
export function observation(partial: Partial<CallObservation> & { callKey: string; startAt: Date }): CallObservation {
  return {
    source: 'cdr',
    legs: [partial.callKey],
    endAt: new Date(partial.startAt.getTime() + 60_000),
    talkSeconds: 50,
    callerNumber: '0611223344',
    callerName: '',
    destination: '201',
    direction: 'inbound',
    dialplanDescribed: true,
    verdict: { status: 'answered', origin: 'userfield' },
    ...partial,
  };
}
