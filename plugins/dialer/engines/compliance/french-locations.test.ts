import assert from 'node:assert/strict';
import { frenchAreaForPostalCode } from './french-locations';

describe('French postal codes → zone and holiday region', () => {
  const table: readonly [string, string | undefined, string | undefined][] = [
    ['75011', 'Europe/Paris', undefined],
    ['20000', 'Europe/Paris', undefined],
    ['57000', 'Europe/Paris', '57'],
    ['67000', 'Europe/Paris', '67'],
    ['68100', 'Europe/Paris', '68'],
    ['97110', 'America/Guadeloupe', 'GP'],
    ['97133', 'America/St_Barthelemy', 'BL'],
    ['97150', 'America/Marigot', 'MF'],
    ['97200', 'America/Martinique', 'MQ'],
    ['97300', 'America/Cayenne', 'GF'],
    ['97400', 'Indian/Reunion', 'RE'],
    ['97500', 'America/Miquelon', undefined],
    ['97600', 'Indian/Mayotte', 'YT'],
    ['98800', 'Pacific/Noumea', undefined],
  ];
  for (const [code, zone, region] of table) {
    it(`${code} → ${zone}${region ? ` (${region})` : ''}`, () => {
      const area = frenchAreaForPostalCode(code);
      assert.equal(area?.timeZone, zone);
      assert.equal(area?.holidayRegion, region);
    });
  }

  it('rejects malformed and unknown overseas codes', () => {
    assert.equal(frenchAreaForPostalCode('7501'), undefined);
    assert.equal(frenchAreaForPostalCode('ABCDE'), undefined);
    assert.equal(frenchAreaForPostalCode('98000'), undefined);
  });
});
