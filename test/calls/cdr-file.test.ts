import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CallRecord } from '../../core/calls/call-models';
import { tempDir, type TestApp } from '../support/test-app';
import { appendCdr, cdr, cradle, eventually, startCallsApp, userfield } from './calls-harness';

/** Asterisk's Master.csv read incrementally: the dialplan's userfield contract, restarts, rotation. */
describe('Call log: CDR file ingestion', () => {
  const start = new Date('2026-11-20T09:00:00Z');
  const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);

  describe('statuses from the userfield of the generated dialplan', () => {
    let t: TestApp;
    let cdrFile: string;
    before(async () => {
      const dir = tempDir('carillon-cdr-');
      cdrFile = path.join(dir, 'Master.csv');
      t = await startCallsApp({ cdrFile, dataDir: dir });
    });
    after(() => t.stop());

    it('maps DIALSTATUS and the closed/dnd hint to the statuses users know', async () => {
      const cases: Array<{ id: string; dialstatus: string; hint?: '' | 'closed' | 'dnd'; talk?: number; disposition?: 'ANSWERED' | 'NO ANSWER' | 'BUSY' | 'FAILED'; expected: string }> = [
        { id: 'uf.1', dialstatus: 'ANSWER', talk: 30, expected: 'answered' },
        { id: 'uf.2', dialstatus: 'BUSY', disposition: 'BUSY', expected: 'busy' },
        { id: 'uf.3', dialstatus: 'NOANSWER', expected: 'no_answer' },
        { id: 'uf.4', dialstatus: 'CANCEL', expected: 'cancelled' },
        { id: 'uf.5', dialstatus: 'CHANUNAVAIL', expected: 'unavailable' },
        { id: 'uf.6', dialstatus: 'CONGESTION', disposition: 'FAILED', expected: 'failed' },
        // Outside opening hours the dialplan answers to play a message: still "closed", not answered.
        { id: 'uf.7', dialstatus: '', hint: 'closed', talk: 8, expected: 'closed' },
        { id: 'uf.8', dialstatus: '', hint: 'dnd', expected: 'unavailable' },
      ];
      appendCdr(
        cdrFile,
        cases.map((c, i) =>
          cdr({ uniqueid: c.id, start: at(i), talk: c.talk, ...(c.disposition ? { disposition: c.disposition } : {}), userfield: userfield({ call: c.id, dir: 'in', to: '201', dialstatus: c.dialstatus, hint: c.hint }) }),
        ),
      );
      expect(await cradle(t).cdrIngestor.poll()).to.equal(cases.length);
      for (const c of cases) expect(await CallRecord.findOne({ where: { callKey: c.id } }), c.id).to.include({ status: c.expected, direction: 'inbound', destination: '201', extension: '201' });
    });

    it('without a userfield (application calls, the traces), falls back to the disposition', async () => {
      // Lines of 10-cdr.jsonl: 03b (BUSY), 03f 503 (FAILED), 03c (NO ANSWER), 04 A and B legs, a Local pair and a Snoop channel.
      const lines = [
        '"","","s","trace-in",""""" <>","PJSIP/trace-busy-00000034","","AppDial2","(Outgoing Line)","2026-11-21 11:17:23",,"2026-11-21 11:17:23",0,0,"BUSY","DOCUMENTATION","1795259843.100720",""',
        '"","","s","trace-in",""""" <>","PJSIP/trace-rej-0000003a","","AppDial2","(Outgoing Line)","2026-11-21 11:17:51",,"2026-11-21 11:17:51",0,0,"FAILED","DOCUMENTATION","1795259871.100726",""',
        '"","","s","trace-in",""""" <>","PJSIP/trace-noans-00000035","","AppDial2","(Outgoing Line)","2026-11-21 11:17:26",,"2026-11-21 11:17:41",15,0,"NO ANSWER","DOCUMENTATION","1795259846.100721",""',
        '"","7101","7001","trace-in","""Alice Trace"" <7101>","PJSIP/trace-uac-00000029","PJSIP/trace-uas-0000002a","Stasis","trace-app,inbound,7001","2026-11-21 11:15:58","2026-11-21 11:15:58","2026-11-21 11:16:01",3,3,"ANSWERED","DOCUMENTATION","1795259758.100691",""',
        '"","","s","trace-local",""""" <>","Local/s@trace-local-0000c495;1","","Stasis","trace-app,s01,local","2026-11-21 11:15:02","2026-11-21 11:15:02","2026-11-21 11:15:03",1,1,"ANSWERED","DOCUMENTATION","1795259702.100679",""',
        '"","","s","trace-local",""""" <>","Local/s@trace-local-0000c495;2","","Wait","30","2026-11-21 11:15:02","2026-11-21 11:15:02","2026-11-21 11:15:03",1,1,"ANSWERED","DOCUMENTATION","1795259702.100680",""',
        '"","","s","default",""""" <>","Snoop/1795259770.100695-00000001","PJSIP/trace-sup-0000002f","Stasis","trace-app,snoop","2026-11-21 11:16:11","2026-11-21 11:16:11","2026-11-21 11:16:19",7,7,"ANSWERED","DOCUMENTATION","1795259771.100697",""',
        'not a cdr line',
      ];
      appendCdr(cdrFile, lines);
      expect(await cradle(t).cdrIngestor.poll(), 'the Local ;2 half, the Snoop channel and the bad line are not calls').to.equal(5);
      const status = async (key: string) => (await CallRecord.findOne({ where: { callKey: key } }))?.status;
      expect(await status('1795259843.100720')).to.equal('busy');
      expect(await status('1795259871.100726')).to.equal('failed');
      expect(await status('1795259846.100721')).to.equal('no_answer');
      expect(await CallRecord.findOne({ where: { callKey: '1795259758.100691' } })).to.include({ status: 'answered', callerName: 'Alice Trace', callerNumber: '7101', destination: '7001', durationSeconds: 3, talkSeconds: 3 });
      expect(await status('1795259702.100680')).to.equal(undefined);
      expect(await status('1795259771.100697')).to.equal(undefined);
    });

    it('several CDR lines of one linkedid make one call (answered if any leg was; times widened)', async () => {
      const call = 'multi.1';
      appendCdr(cdrFile, [
        cdr({ uniqueid: 'multi.1', start: at(100), seconds: 40, talk: 0, dst: '300', userfield: userfield({ call, dir: 'in', to: '300', dialstatus: 'NOANSWER' }) }),
        cdr({ uniqueid: 'multi.2', start: at(100), seconds: 70, talk: 25, channel: 'PJSIP/202-00000009', userfield: userfield({ call, dir: 'in', to: '202', dialstatus: 'ANSWER' }) }),
      ]);
      await cradle(t).cdrIngestor.poll();
      const rows = await CallRecord.findAll({ where: { callKey: call } });
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include({ status: 'answered', durationSeconds: 70, talkSeconds: 25, destination: '202' });
    });
  });

  describe('restart, rotation and truncation', () => {
    const dir = tempDir('carillon-cdr-restart-');
    const cdrFile = path.join(dir, 'Master.csv');
    let t: TestApp;
    after(() => t?.stop());

    const line = (id: string, minute: number) => cdr({ uniqueid: id, start: at(minute), talk: 20, userfield: userfield({ call: id, dir: 'in', to: '201', dialstatus: 'ANSWER' }) });
    const count = (id: string) => CallRecord.count({ where: { callKey: id } });

    it('a call made while Carillon was stopped appears once after the restart', async () => {
      appendCdr(cdrFile, [line('before.1', 0)]);
      t = await startCallsApp({ cdrFile, dataDir: dir });
      await eventually('the first line read at start', async () => (await count('before.1')) === 1);
      await t.stop({ keepDatabase: true });
      appendCdr(cdrFile, [line('while-stopped.1', 5), line('while-stopped.2', 6)]);
      t = await startCallsApp({ cdrFile, dataDir: dir, database: t.database });
      // Start-up catches up in the background; a poll waits for that pass and adds nothing more.
      await eventually('calls of the stopped period', async () => (await count('while-stopped.2')) === 1);
      expect(await cradle(t).cdrIngestor.poll()).to.equal(0);
      for (const id of ['before.1', 'while-stopped.1', 'while-stopped.2']) expect(await count(id), id).to.equal(1);
      const admin = await t.adminClient();
      const res = await admin.get('/api/calls?limit=10');
      expect(res.body.items.map((i: { callId: string }) => i.callId)).to.deep.equal(['while-stopped.2', 'while-stopped.1', 'before.1']);
    });

    it('rotation: finishes the rotated Master.csv.1, then reads the new file from its start', async () => {
      appendCdr(cdrFile, [line('rotated.late', 10)]);
      fs.renameSync(cdrFile, `${cdrFile}.1`);
      appendCdr(cdrFile, [line('new-file.1', 11)]);
      expect(await cradle(t).cdrIngestor.poll()).to.equal(2);
      expect(await count('rotated.late')).to.equal(1);
      expect(await count('new-file.1')).to.equal(1);
    });

    it('truncation in place: reads again from the start without duplicating anything', async () => {
      fs.writeFileSync(cdrFile, `${line('after-truncate.1', 12)}\n`);
      expect(await cradle(t).cdrIngestor.poll()).to.equal(1);
      expect(await count('after-truncate.1')).to.equal(1);
      // A half-written line stays for the next pass.
      fs.appendFileSync(cdrFile, line('partial.1', 13).slice(0, 40));
      expect(await cradle(t).cdrIngestor.poll()).to.equal(0);
      fs.appendFileSync(cdrFile, `${line('partial.1', 13).slice(40)}\n`);
      expect(await cradle(t).cdrIngestor.poll()).to.equal(1);
      expect(await count('partial.1')).to.equal(1);
      expect(await count('new-file.1')).to.equal(1);
    });
  });
});
