import path from 'node:path';
import fs from 'node:fs';
import { expect } from 'chai';
import { CsvFileError, detectCsvFileFormat, matchColumns, readCsvFile, readCsvTable } from '../../core/imports';
import { tempDir } from '../support/test-app';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'directory');
const at = (name: string) => path.join(FIXTURES, name);

async function records(file: string) {
  const out: Array<{ line: number; values: string[] }> = [];
  for await (const record of readCsvFile(file, detectCsvFileFormat(file, {}))) out.push(record);
  return out;
}

async function refusal(text: string | Buffer): Promise<CsvFileError> {
  const err: unknown = await readCsvTable(Buffer.isBuffer(text) ? text : Buffer.from(text)).then(() => null, (e: unknown) => e);
  expect(err, 'the file is refused').to.be.instanceOf(CsvFileError);
  return err as CsvFileError;
}

describe('Import facility: CSV files (units)', () => {
  it('detects encoding and separator of each fixture', () => {
    expect(detectCsvFileFormat(at('utf8-bom-semicolon-crlf.csv'), {})).to.include({ encoding: 'utf-8', separator: 'semicolon', encodingDetected: true, separatorDetected: true });
    expect(detectCsvFileFormat(at('utf8-comma-lf-reordered.csv'), {})).to.include({ encoding: 'utf-8', separator: 'comma' });
    expect(detectCsvFileFormat(at('windows-1252-semicolon.csv'), {})).to.include({ encoding: 'windows-1252', separator: 'semicolon' });
    // ISO-8859-1 letters decode the same as Windows-1252: detected as such, chosen explicitly if wanted.
    expect(detectCsvFileFormat(at('iso-8859-1-tab.csv'), {})).to.include({ encoding: 'windows-1252', separator: 'tab' });
    expect(detectCsvFileFormat(at('iso-8859-1-tab.csv'), { encoding: 'iso-8859-1' })).to.include({ encoding: 'iso-8859-1', encodingDetected: false });
    expect(detectCsvFileFormat(at('quoted-newlines.csv'), {})).to.include({ separator: 'comma' });
    expect(() => detectCsvFileFormat(at('empty.csv'), {})).to.throw(CsvFileError).with.property('code', 'csv_empty');
  });

  it('keeps UTF-8 when a multi-byte character straddles the detection sample', () => {
    const file = path.join(tempDir(), 'long.csv');
    // 65535 ASCII bytes then "é": the 64 KiB sample ends between its two bytes.
    fs.writeFileSync(file, 'Nom;Prénom\n' + 'x'.repeat(65535 - 'Nom;Prénom\n'.length - 1) + 'é\n');
    expect(detectCsvFileFormat(file, {}).encoding).to.equal('utf-8');
  });

  it('reads records with the line where each starts, CRLF and quoted line breaks included', async () => {
    const rows = await records(at('quoted-newlines.csv'));
    expect(rows.map((r) => r.line)).to.deep.equal([1, 2, 5]);
    expect(rows[1]!.values[0]).to.equal('Durand, fils');
    const bom = await records(at('utf8-bom-semicolon-crlf.csv'));
    expect(bom[0]!.values[0]).to.equal('Clé unique');
  });

  it('reads a small file into a table: trimmed, blank rows left out, lines right across quoted CRLF', async () => {
    const table = await readCsvTable(Buffer.from('\uFEFFnumber; name \r\n200;" Alice\r\nMartin"\r\n;\r\n\r\n201;Bruno\r\n'));
    expect(table.format).to.deep.equal({ encoding: 'utf-8', separator: 'semicolon', encodingDetected: true, separatorDetected: true });
    expect(table.header).to.deep.equal(['number', 'name']);
    expect(table.rows).to.deep.equal([
      { line: 2, values: ['200', 'Alice\r\nMartin'] },
      { line: 6, values: ['201', 'Bruno'] },
    ]);
    const latin = await readCsvTable(Buffer.from('number,name\n410,H\xe9l\xe8ne\n', 'latin1'));
    expect(latin.format.encoding).to.equal('windows-1252');
    expect(latin.rows[0]!.values[1]).to.equal('Hélène');
    const chosen = await readCsvTable(Buffer.from('a;b\tc\n1;2\t3\n'), { separator: 'tab' });
    expect(chosen.header).to.deep.equal(['a;b', 'c']);
    expect(chosen.format.separatorDetected).to.equal(false);
  });

  it('refuses a whole file with a stable code, the line when known, and "Nothing was changed"', async () => {
    expect((await refusal('')).code).to.equal('csv_empty');
    expect((await refusal(Buffer.from([0x4e, 0x00, 0x01]))).code).to.equal('csv_not_text');
    expect((await refusal('\nnumber\n')).code).to.equal('csv_no_header');
    const malformed = await refusal('number,name\n400,A\n401,"B\n');
    expect(malformed).to.include({ status: 422, code: 'csv_malformed', line: 3 });
    expect(malformed.detail).to.match(/\(line 3\) Nothing was changed\.$/);
    expect(malformed.errors).to.have.length(1);
    expect(malformed.errors![0]).to.include({ field: 'file', code: 'csv_malformed' });
    const own = new CsvFileError('csv_missing_columns', 'The header lacks "Nom".', 1);
    expect(own).to.include({ status: 422, title: 'CSV file refused', detail: 'The header lacks "Nom". (line 1) Nothing was changed.' });
  });

  it('matches headers by key or alias, any case, accents or punctuation, and reports the rest', () => {
    const columns = [
      { key: 'number', aliases: ['Numéro', 'poste'] },
      { key: 'name', aliases: ['nom'] },
      { key: 'email', aliases: ['e-mail', 'courriel'] },
    ];
    const match = matchColumns([' NUMERO ', 'Couleur', 'E-Mail', 'Poste'], columns, ['number', 'name']);
    expect([...match.positions]).to.deep.equal([['number', 0], ['email', 2]]);
    expect([...match.names]).to.deep.equal([['number', 'NUMERO'], ['email', 'E-Mail']]);
    expect(match.ignored).to.deep.equal(['Couleur']);
    expect(match.duplicates).to.deep.equal(['Poste']);
    expect(match.missing).to.deep.equal(['name']);
    expect(match.width).to.equal(4);
  });
});
