import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { writeFileAtomic } from '../../../core/telephony/config/atomic-file';

describe('Atomic write of generated files', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carillon-atomic-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('never shows a partial file: until the rename the target holds the old content, the temporary file the whole new one', async () => {
    const target = path.join(dir, 'pjsip-extensions.conf');
    fs.writeFileSync(target, 'old\n');
    const big = 'x'.repeat(2_000_000) + '\n';
    const seen: { target: string; temp: string; tempName: string } = { target: '', temp: '', tempName: '' };
    await writeFileAtomic(target, big, {
      beforeRename: (temp) => {
        seen.target = fs.readFileSync(target, 'utf8');
        seen.temp = fs.readFileSync(temp, 'utf8');
        seen.tempName = temp;
      },
    });
    expect(seen.target).to.equal('old\n');
    expect(seen.temp.length).to.equal(big.length);
    // The temporary file is in the same folder (a rename across file systems is not atomic) and hidden from includes.
    expect(path.dirname(seen.tempName)).to.equal(dir);
    expect(path.basename(seen.tempName)).to.match(/^\.pjsip-extensions\.conf\..*\.tmp$/);
    expect(fs.readFileSync(target, 'utf8')).to.equal(big);
    expect(fs.readdirSync(dir)).to.deep.equal(['pjsip-extensions.conf']);
  });

  it('leaves the old file when it fails between the write and the rename', async () => {
    const target = path.join(dir, 'extensions-carillon.conf');
    fs.writeFileSync(target, 'old dialplan\n');
    const failure = await writeFileAtomic(target, 'new dialplan\n', {
      beforeRename: () => {
        throw new Error('crash before rename');
      },
    }).catch((err: Error) => err);
    expect(failure).to.be.instanceOf(Error).with.property('message', 'crash before rename');
    expect(fs.readFileSync(target, 'utf8')).to.equal('old dialplan\n');
    expect(fs.readdirSync(dir)).to.deep.equal(['extensions-carillon.conf']);
  });

  it('creates files readable by owner and group only (they hold SIP passwords)', async () => {
    const target = path.join(dir, 'pjsip-trunks.conf');
    const previous = process.umask(0o022);
    try {
      await writeFileAtomic(target, 'secret\n', { mode: 0o640 });
    } finally {
      process.umask(previous);
    }
    expect(fs.statSync(target).mode & 0o777).to.equal(0o640);
  });
});
