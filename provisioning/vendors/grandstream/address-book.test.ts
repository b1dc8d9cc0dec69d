import { expect } from 'chai';
import { create } from 'xmlbuilder2';
import { renderAddressBook as renderPieces, type AddressBookEntry, type AddressBookGroup } from './address-book';

const renderAddressBook = (...args: Parameters<typeof renderPieces>) => [...renderPieces(...args)].join('');

type XmlNode = Record<string, unknown>;

interface DomElement {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomElement>;
  attributes: ArrayLike<{ name: string; value: string }>;
}

/** A parsed element as a plain object: attributes as '@name', text as '#' (or the value itself), children by name. */
function toObject(element: DomElement): XmlNode | string {
  const children = Array.from(element.childNodes).filter((n) => n.nodeType === 1);
  const attributes = Array.from(element.attributes);
  if (!children.length && !attributes.length) return element.textContent ?? '';
  const out: XmlNode = {};
  for (const attribute of attributes) out[`@${attribute.name}`] = attribute.value;
  if (!children.length) out['#'] = element.textContent ?? '';
  for (const child of children) {
    const value = toObject(child);
    const existing = out[child.nodeName];
    out[child.nodeName] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return out;
}

/** Parses with xmlbuilder2's DOM, so entities come back as the characters they stand for. */
function parse(xml: string): XmlNode {
  const root = create(xml).root().node as unknown as DomElement;
  return { [root.nodeName]: toObject(root) };
}

function list<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

describe('Grandstream AddressBook XML', () => {
  const groups: AddressBookGroup[] = [
    { id: '10', name: 'Sales', parentId: null },
    { id: '11', name: 'Paris & <Île>', parentId: '10' },
  ];
  const entries: AddressBookEntry[] = [
    {
      firstName: 'Hélène', lastName: 'O\'Brien <"boss">', company: 'A & B', jobTitle: 'CEO', email: 'h@example.com', groupIds: ['11'],
      numbers: [
        { type: 'work', dial: '+33123456789', isDefault: false },
        { type: 'mobile', dial: '+33612345678', isDefault: true },
        { type: 'home', dial: '201', isDefault: false },
      ],
    },
    { firstName: 'Bob', lastName: 'Plain', company: null, jobTitle: null, email: null, groupIds: [], numbers: [{ type: 'work', dial: '1234', isDefault: true }] },
  ];

  it('renders groups (nested folders by path) and contacts with typed phones, escaping every value', () => {
    const xml = renderAddressBook(groups, entries, { accountIndex: 2 });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).to.equal(true);
    expect(xml).to.include('&lt;Île&gt;');
    const book = parse(xml).AddressBook as XmlNode;
    expect(book.version).to.equal('1');
    const pbgroups = list(book.pbgroup as XmlNode[]);
    expect(pbgroups).to.deep.equal([
      { id: '1', name: 'Sales' },
      { id: '2', name: 'Sales / Paris & <Île>' },
    ]);
    const contacts = list(book.Contact as XmlNode[]);
    expect(contacts).to.have.length(2);
    const [helene, bob] = contacts;
    expect(helene).to.include({ id: '1', FirstName: 'Hélène', LastName: 'O\'Brien <"boss">', Company: 'A & B', JobTitle: 'CEO', Primary: '1', Group: '2' });
    expect(list(helene.Phone as XmlNode[])).to.deep.equal([
      { '@type': 'Work', phonenumber: '+33123456789', accountindex: '2' },
      { '@type': 'Cell', phonenumber: '+33612345678', accountindex: '2' },
      { '@type': 'Home', phonenumber: '201', accountindex: '2' },
    ]);
    expect(helene.Mail).to.deep.equal({ '@type': 'Work', '#': 'h@example.com' });
    expect(bob).to.include({ FirstName: 'Bob', Primary: '0' });
    expect(bob).not.to.have.property('Group');
    expect(bob).not.to.have.property('Company');
  });

  it('renders an empty phonebook as a valid document', () => {
    const book = parse(renderAddressBook([], [])).AddressBook as XmlNode;
    expect(book).to.deep.equal({ version: '1' });
  });

  it('comes in pieces, one per contact after the groups, that join into the document', () => {
    const pieces = [...renderPieces(groups, entries)];
    expect(pieces).to.have.length(entries.length + 2);
    expect(pieces[1]).to.match(/^  <Contact>[\s\S]*<\/Contact>\n$/);
    expect(parse(pieces.join(''))).to.deep.equal(parse(renderAddressBook(groups, entries)));
  });

  it('drops characters XML cannot carry instead of writing a file phones refuse', () => {
    const xml = renderAddressBook([], [{ ...entries[1]!, firstName: 'Bo\u0000b\u0007', lastName: 'Pl\uFFFEain\uD800' }]);
    const book = parse(xml).AddressBook as XmlNode;
    expect(book.Contact).to.include({ FirstName: 'Bob', LastName: 'Plain' });
  });
});
