import { expect } from 'chai';
import { checkDialPattern, dialPatternMatches, EMERGENCY_NUMBERS, normaliseDialPattern } from '../../../core/telephony/resources/dial-patterns';
import type { TestApp } from '../../support/test-app';
import { API, ok, startResourcesApp } from './resources-app';

describe('Telephony resources: dial patterns', () => {
  it('accepts Asterisk patterns and literal numbers', () => {
    for (const pattern of ['_0[1-9]XXXXXXXX', '_+33ZXXXXXXXX', '_00.', '_NXX!', '_[0-9*#]X', '_x.', '112', '+33123456789', '*97', '_08[129].', '_3[2-8]XX']) {
      expect(checkDialPattern(pattern), pattern).to.equal(null);
    }
  });

  it('refuses malformed patterns, saying where', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['', 0, /empty/],
      ['_', 1, /at least one/],
      ['_0.X', 2, /may only end/],
      ['_.', 1, /needs at least one/],
      ['_0[9-1]', 3, /backwards/],
      ['_0[12', 2, /never closed/],
      ['_0[]', 3, /empty \[\]/],
      ['_0[a]', 3, /not allowed in \[/],
      ['_0Q', 2, /not a dial pattern character/],
      ['06-12', 2, /literal number/],
      ['0612X', 4, /literal number/],
    ];
    for (const [pattern, at, message] of cases) {
      const problem = checkDialPattern(pattern);
      expect(problem, pattern).to.not.equal(null);
      expect(problem!.at, pattern).to.equal(at);
      expect(problem!.message, pattern).to.match(message);
    }
  });

  it('matches numbers the way Asterisk does', () => {
    expect(dialPatternMatches('_0[1-9]XXXXXXXX', '0123456789')).to.equal(true);
    expect(dialPatternMatches('_0[1-9]XXXXXXXX', '0023456789')).to.equal(false);
    expect(dialPatternMatches('_0[1-9]XXXXXXXX', '012345678')).to.equal(false);
    expect(dialPatternMatches('_00.', '00')).to.equal(false);
    expect(dialPatternMatches('_00.', '0044')).to.equal(true);
    expect(dialPatternMatches('_1!', '1')).to.equal(true);
    expect(dialPatternMatches('_NXX', '199')).to.equal(false);
    expect(dialPatternMatches('_ZXX', '199')).to.equal(true);
    expect(dialPatternMatches('112', '112')).to.equal(true);
    expect(normaliseDialPattern('_0[1-9]xxn.')).to.equal('_0[1-9]XXN.');
  });
});

describe('Telephony resources: French restriction defaults', () => {
  let t: TestApp;
  let denied: Map<string, string[]>;
  before(async () => {
    let admin;
    ({ t, admin } = await startResourcesApp());
    denied = new Map(ok(await admin.get(`${API}/restriction-classes`)).items.map((c: { name: string; deniedPatterns: string[] }) => [c.name, c.deniedPatterns]));
  });
  after(() => t.stop());

  const blocks = (className: string, number: string) => denied.get(className)!.some((pattern) => dialPatternMatches(pattern, number));

  it('lets every class reach the emergency services', () => {
    for (const className of denied.keys()) for (const number of EMERGENCY_NUMBERS) expect(blocks(className, number), `${className} ${number}`).to.equal(false);
  });

  it('national: France in any form, nothing abroad, nothing surcharged', () => {
    for (const number of ['0123456789', '0612345678', '0987654321', '0800123456', '0806123456', '+33123456789', '0033123456789', '3000', '3114', '3919', '116117', '201']) {
      expect(blocks('national', number), number).to.equal(false);
    }
    for (const number of ['+442071234567', '00442071234567', '+12125550100', '0012125550100', '+3225551234', '0891234567', '0820123456', '0811123456', '+33891234567', '0033891234567', '118712', '3611', '3949', '1016']) {
      expect(blocks('national', number), number).to.equal(true);
    }
  });

  it('no_premium: abroad allowed, surcharged numbers refused', () => {
    expect(blocks('no_premium', '+442071234567')).to.equal(false);
    expect(blocks('no_premium', '0612345678')).to.equal(false);
    expect(blocks('no_premium', '0899123456')).to.equal(true);
    expect(blocks('no_premium', '118218')).to.equal(true);
  });

  it('internal: no outside number at all; unrestricted: nothing refused', () => {
    for (const number of ['0123456789', '+33123456789', '0044123', '3939', '118712']) expect(blocks('internal', number), number).to.equal(true);
    expect(blocks('internal', '201')).to.equal(false);
    expect(denied.get('unrestricted')).to.deep.equal([]);
  });
});
