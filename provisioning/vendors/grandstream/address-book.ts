import { create } from 'xmlbuilder2';

/**
 * Grandstream's phonebook file (GXP/GRP "AddressBook" XML, fetched by the phone from the
 * phonebook server path). Groups are flat on the phone: nested folders become groups named by
 * their path ("Sales / Paris").
 */
export interface AddressBookGroup {
  id: string;
  name: string;
  parentId: string | null;
}

export interface AddressBookEntry {
  firstName: string;
  lastName: string;
  company: string | null;
  jobTitle: string | null;
  email: string | null;
  groupIds: string[];
  numbers: Array<{ type: 'work' | 'mobile' | 'home' | 'fax' | 'other'; dial: string; isDefault: boolean }>;
}

export interface AddressBookOptions {
  /** The phone's SIP account the numbers are dialled from (1-based, as on the phone). */
  accountIndex?: number;
}

const PHONE_TYPES = { work: 'Work', mobile: 'Cell', home: 'Home', fax: 'Work', other: 'Work' } as const;

function groupName(group: AddressBookGroup, byId: Map<string, AddressBookGroup>): string {
  const names = [group.name];
  const seen = new Set([group.id]);
  for (let parent = group.parentId ? byId.get(group.parentId) : undefined; parent && !seen.has(parent.id); parent = parent.parentId ? byId.get(parent.parentId) : undefined) {
    seen.add(parent.id);
    names.unshift(parent.name);
  }
  return names.join(' / ');
}

/** Renders the AddressBook XML; xmlbuilder2 escapes every value, so names cannot break the file. */
export function renderAddressBook(groups: AddressBookGroup[], entries: AddressBookEntry[], options: AddressBookOptions = {}): string {
  const accountIndex = String(options.accountIndex ?? 1);
  const byId = new Map(groups.map((g) => [g.id, g]));
  // The phone wants small numeric group ids: number them in name order.
  const named = groups.map((g) => ({ id: g.id, name: groupName(g, byId) })).sort((a, b) => a.name.localeCompare(b.name));
  const numericId = new Map(named.map((g, i) => [g.id, i + 1]));

  const book = create({ version: '1.0', encoding: 'UTF-8' }).ele('AddressBook');
  book.ele('version').txt('1');
  for (const group of named) {
    const pbgroup = book.ele('pbgroup');
    pbgroup.ele('id').txt(String(numericId.get(group.id)));
    pbgroup.ele('name').txt(group.name);
  }
  entries.forEach((entry, index) => {
    const contact = book.ele('Contact');
    contact.ele('id').txt(String(index + 1));
    contact.ele('FirstName').txt(entry.firstName);
    contact.ele('LastName').txt(entry.lastName);
    if (entry.company) contact.ele('Company').txt(entry.company);
    if (entry.jobTitle) contact.ele('JobTitle').txt(entry.jobTitle);
    contact.ele('Frequent').txt('0');
    const primary = Math.max(0, entry.numbers.findIndex((n) => n.isDefault));
    contact.ele('Primary').txt(String(primary));
    for (const number of entry.numbers) {
      const phone = contact.ele('Phone', { type: PHONE_TYPES[number.type] });
      phone.ele('phonenumber').txt(number.dial);
      phone.ele('accountindex').txt(accountIndex);
    }
    if (entry.email) contact.ele('Mail', { type: 'Work' }).txt(entry.email);
    for (const groupId of entry.groupIds) {
      const id = numericId.get(groupId);
      if (id !== undefined) contact.ele('Group').txt(String(id));
    }
  });
  return book.end({ prettyPrint: true });
}
