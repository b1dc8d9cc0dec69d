import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CallRecording } from '../../core/calls/call-models';
import type { ApiClient } from '../support/api-client';
import { tempDir, type TestApp } from '../support/test-app';
import { createUser } from '../core/auth-fixtures';
import { contributeExtensions, cradle, observation, startCallsApp } from './calls-harness';

/** A WAV (RIFF, PCM 16-bit mono) holding a sine tone, like MixMonitor writes at 8 kHz. */
function sineWav(seconds: number, rate = 8000, frequency = 440): Buffer {
  const samples = Math.round(seconds * rate);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * frequency * i) / rate) * 12000), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** The first MPEG audio frame header: version, layer, bitrate (kbit/s), sample rate, mono. */
function firstFrame(mp3: Buffer): { version: string; layer: number; kbps: number; sampleRate: number; mono: boolean } {
  let i = 0;
  if (mp3.subarray(0, 3).toString('latin1') === 'ID3') i = 10 + ((mp3[6] << 21) | (mp3[7] << 14) | (mp3[8] << 7) | mp3[9]);
  while (i < mp3.length - 4 && !(mp3[i] === 0xff && (mp3[i + 1] & 0xe0) === 0xe0)) i++;
  const b1 = mp3[i + 1];
  const b2 = mp3[i + 2];
  const versionBits = (b1 >> 3) & 3;
  const version = ({ 0: '2.5', 2: '2', 3: '1' } as Record<number, string>)[versionBits] ?? '?';
  const layer = 4 - ((b1 >> 1) & 3);
  const lowRates = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
  const kbps = version === '1' ? -1 : lowRates[b2 >> 4];
  const rates: Record<string, number[]> = { '1': [44100, 48000, 32000], '2': [22050, 24000, 16000], '2.5': [11025, 12000, 8000] };
  return { version, layer, kbps, sampleRate: rates[version]?.[(b2 >> 2) & 3] ?? 0, mono: (mp3[i + 3] >> 6) === 3 };
}

describe('Recordings: spool → MP3, range requests, permission, retention', () => {
  let t: TestApp;
  let admin: ApiClient;
  let spool: string;
  const asteriskCall = { linkedid: '1795259782.100699', uniqueid: '1795259782.100700' };
  const appCall = { linkedid: randomUUID(), uniqueid: randomUUID() };
  let recordingId: number;
  let mp3: Buffer;

  before(async () => {
    const dir = tempDir('carillon-recordings-');
    spool = path.join(dir, 'spool');
    fs.mkdirSync(spool, { recursive: true });
    t = await startCallsApp({ cdrFile: path.join(dir, 'Master.csv'), dataDir: dir });
    admin = await t.adminClient();
    const log = cradle(t).callLogService;
    await log.record(observation({ callKey: asteriskCall.linkedid, startAt: new Date('2026-11-21T11:16:22Z'), legs: [asteriskCall.linkedid, asteriskCall.uniqueid] }));
    await log.record(observation({ callKey: appCall.linkedid, startAt: new Date('2026-11-21T11:20:00Z') }));
  });
  after(() => t.stop());

  it('converts finished WAV files to MP3 mono ~16 kbit/s, links them to their call and deletes the WAV', async () => {
    const wav = sineWav(3);
    fs.writeFileSync(path.join(spool, `${asteriskCall.linkedid}-${asteriskCall.uniqueid}.wav`), wav);
    fs.writeFileSync(path.join(spool, `${appCall.linkedid}-${appCall.uniqueid}.wav`), sineWav(1));
    // A call the log does not know yet (its CDR line is still to come): left in the spool for now.
    fs.writeFileSync(path.join(spool, '1795999999.1-1795999999.2.wav'), sineWav(1));
    expect(await cradle(t).recordingService.collect({ minAgeMs: 0 })).to.equal(2);
    expect(fs.readdirSync(spool)).to.deep.equal(['1795999999.1-1795999999.2.wav']);

    const res = await admin.get(`/api/calls?limit=10`);
    const row = res.body.items.find((i: { callId: string }) => i.callId === asteriskCall.linkedid);
    expect(row.recordings).to.have.length(1);
    recordingId = row.recordings[0].id;
    expect(row.recordings[0].url).to.equal(`/api/calls/recordings/${recordingId}`);
    const stored = await CallRecording.findByPk(recordingId);
    const month = `${stored!.recordedAt.getUTCFullYear()}/${String(stored!.recordedAt.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(stored!.file).to.equal(`${month}/${asteriskCall.linkedid}-${asteriskCall.uniqueid}.mp3`);
    mp3 = fs.readFileSync(path.join(t.dataDir, 'recordings', stored!.file));
    expect(firstFrame(mp3)).to.deep.equal({ version: '2.5', layer: 3, kbps: 16, sampleRate: 8000, mono: true });
    // 16 kbit/s is 2 kB a second (120 kB a minute): 3 s ≈ 6 kB, against 48 kB of WAV.
    expect(mp3.length).to.be.within(5000, 8000);
    expect(mp3.length * 6).to.be.lessThan(wav.length);
    expect(stored!.bytes).to.equal(mp3.length);
  });

  it('streams with range requests: full, partial, open-ended, suffix, unsatisfiable; download names the file', async () => {
    const url = `/api/calls/recordings/${recordingId}`;
    const full = await fetchBinary(url);
    expect(full.status).to.equal(200);
    expect(full.headers.get('accept-ranges')).to.equal('bytes');
    expect(full.headers.get('content-type')).to.equal('audio/mpeg');
    expect(full.body.equals(mp3)).to.equal(true);

    // Offered compression changes nothing: byte ranges are offsets in the file as it is.
    const partial = await fetchBinary(url, { range: 'bytes=0-99', 'accept-encoding': 'br, gzip' });
    expect(partial.status).to.equal(206);
    expect(partial.headers.get('content-encoding')).to.equal(null);
    expect(partial.headers.get('content-range')).to.equal(`bytes 0-99/${mp3.length}`);
    expect(partial.body.equals(mp3.subarray(0, 100))).to.equal(true);

    const open = await fetchBinary(url, { range: `bytes=${mp3.length - 10}-` });
    expect(open.status).to.equal(206);
    expect(open.body.equals(mp3.subarray(mp3.length - 10))).to.equal(true);

    const suffix = await fetchBinary(url, { range: 'bytes=-500' });
    expect(suffix.status).to.equal(206);
    expect(suffix.headers.get('content-range')).to.equal(`bytes ${mp3.length - 500}-${mp3.length - 1}/${mp3.length}`);
    expect(suffix.body.equals(mp3.subarray(mp3.length - 500))).to.equal(true);

    const beyond = await fetchBinary(url, { range: `bytes=${mp3.length}-` });
    expect(beyond.status).to.equal(416);
    expect(beyond.headers.get('content-range')).to.equal(`bytes */${mp3.length}`);
    expect((await fetchBinary(url, { range: 'bytes=50-10' })).status).to.equal(416);

    const download = await fetchBinary(`${url}?download=1`);
    expect(download.status).to.equal(200);
    expect(download.headers.get('content-disposition')).to.match(/^attachment; filename="call-2026-11-21-11-16-22-\d+\.mp3"$/);
    expect((await fetchBinary('/api/calls/recordings/999999')).status).to.equal(404);
  });

  it('needs recordings.listen: refused to a technician (who may read the call log), given to a supervisor', async () => {
    const technician = await createUser(t, admin, ['technician'], 'tech');
    expect((await technician.client.get('/api/calls')).status).to.equal(200);
    expect((await technician.client.get(`/api/calls/recordings/${recordingId}`)).status).to.equal(403);
    const supervisor = await createUser(t, admin, ['supervisor'], 'sup');
    const res = await fetch(`${t.url}/api/calls/recordings/${recordingId}`, { headers: { cookie: supervisor.client.cookie!, range: 'bytes=0-9' } });
    expect(res.status).to.equal(206);
    expect((await t.client().get(`/api/calls/recordings/${recordingId}`)).status).to.equal(401);
    // Granted to agents, it covers their own extensions' calls only.
    expect((await admin.patch('/api/roles/agent', { permissions: ['calls.read.own', 'recordings.listen'] })).status).to.equal(200);
    const agent = await createUser(t, admin, ['agent'], 'agent');
    contributeExtensions(t, [{ number: '201', name: 'Desk', userId: agent.id }]);
    expect((await agent.client.get(`/api/calls/recordings/${recordingId}`)).status).to.equal(200);
    const other = await createUser(t, admin, ['agent'], 'agent');
    expect((await other.client.get(`/api/calls/recordings/${recordingId}`)).status).to.equal(404);
  });

  it('the retention job removes recordings older than the setting, files and links', async () => {
    expect((await admin.request('PUT', '/api/calls/recording-settings', { retentionDays: 30 })).status).to.equal(200);
    expect((await admin.get('/api/calls/recording-settings')).body).to.deep.equal({ retentionDays: 30 });
    const old = await CallRecording.findByPk(recordingId);
    await old!.update({ recordedAt: new Date(Date.now() - 40 * 86_400_000) });
    const kept = await CallRecording.findOne({ where: { callKey: appCall.linkedid } });
    expect(await cradle(t).recordingService.purgeExpired()).to.equal(1);
    expect(fs.existsSync(path.join(t.dataDir, 'recordings', old!.file))).to.equal(false);
    expect(await CallRecording.findByPk(recordingId)).to.equal(null);
    expect(fs.existsSync(path.join(t.dataDir, 'recordings', kept!.file))).to.equal(true);
    const row = (await admin.get('/api/calls?limit=10')).body.items.find((i: { callId: string }) => i.callId === asteriskCall.linkedid);
    expect(row.recordings).to.deep.equal([]);
    expect((await fetchBinary(`/api/calls/recordings/${recordingId}`)).status).to.equal(404);
  });

  async function fetchBinary(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
    const res = await fetch(`${t.url}${url}`, { headers: { cookie: admin.cookie!, ...headers } });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }
});
