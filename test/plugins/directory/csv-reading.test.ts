import { expect } from 'chai';
import { matchHeader } from '../../../plugins/directory/services/csv/columns';
import { PhoneNumbers } from '../../../plugins/directory/services/phone-numbers';
import { queryTerms } from '../../../plugins/directory/services/contact-search-service';

// Reading the file itself (encoding, separator, records) is core's import facility: test/core/imports-csv.test.ts.

describe('Directory CSV reading (units)', () => {
  it('matches headers in French or English, any order, case and accents aside', () => {
    const match = matchHeader(['PRENOM', 'nom', 'Tel. Mobile', 'e-mail', 'Poste', 'Couleur', 'Unique key']);
    expect([...match.positions]).to.deep.equal([['firstName', 0], ['lastName', 1], ['mobile', 2], ['emails', 3], ['extension', 4], ['key', 6]]);
    expect(match.ignored).to.deep.equal(['Couleur']);
    expect(match.missing).to.deep.equal([]);
    expect(matchHeader(['Company']).missing).to.deep.equal(['lastName', 'firstName']);
    expect(matchHeader(['Nom', 'Last name', 'Prénom']).duplicates).to.deep.equal(['Last name']);
  });

  it('stores numbers in E.164 with the text kept, internal numbers as digits', () => {
    const fr = new PhoneNumbers('FR');
    expect(fr.normalise('work', ' 01 23 45 67 89 ')).to.deep.equal({ type: 'work', original: '01 23 45 67 89', e164: '+33123456789', digits: '123456789', isDefault: false });
    expect(fr.normalise('work', '33123456789')).to.include({ e164: '+33123456789' });
    expect(fr.normalise('work', '(0)1.23.45.67.89')).to.include({ e164: '+33123456789' });
    expect(fr.normalise('other', '201')).to.include({ e164: null, digits: '201' });
    expect(fr.normalise('other', '+1 234')).to.equal('invalid_number');
    expect(fr.normalise('other', '01 23 abc')).to.equal('invalid_characters');
    expect(fr.display({ e164: '+33123456789', original: '' }, 'national')).to.equal('01 23 45 67 89');
    expect(fr.display({ e164: '+33123456789', original: '' }, 'international')).to.equal('+33123456789');
    expect(fr.display({ e164: '+442079460018', original: '' }, 'national')).to.equal('+44 20 7946 0018');
  });

  it('turns a query into prefix terms: words folded, numbers to national digits', () => {
    const fr = new PhoneNumbers('FR');
    expect(queryTerms('Hélène  Lefèvre', fr)).to.deep.equal(['helene', 'lefevre']);
    expect(queryTerms('+33 (0)1 23', fr)).to.deep.equal(['123']);
    expect(queryTerms('01 23 45', fr)).to.deep.equal(['12345']);
    expect(queryTerms('   ', fr)).to.deep.equal([]);
    expect(queryTerms('%', fr), 'nothing searchable: no match, not every contact').to.equal(null);
    expect(queryTerms('_ +', fr)).to.equal(null);
  });
});
