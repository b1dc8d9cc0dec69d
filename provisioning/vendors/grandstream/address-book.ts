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

/** Characters XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF): dropped rather than breaking the file. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Element text: escaped, so no name can break the file. */
function text(value: string): string {
  return value.replace(NOT_XML, '').replace(/[&<>]/g, (c) => ESCAPES[c]!);
}

/**
 * Renders the AddressBook XML a piece at a time (the header and groups, then one contact per
 * piece), so that whoever writes a large directory can let other work run between pieces.
 */
export function* renderAddressBook(groups: AddressBookGroup[], entries: AddressBookEntry[], options: AddressBookOptions = {}): Generator<string> {
  const accountIndex = String(options.accountIndex ?? 1);
  const byId = new Map(groups.map((g) => [g.id, g]));
  // The phone wants small numeric group ids: number them in name order.
  const named = groups.map((g) => ({ id: g.id, name: groupName(g, byId) })).sort((a, b) => a.name.localeCompare(b.name));
  const numericId = new Map(named.map((g, i) => [g.id, i + 1]));

  let head = '<?xml version="1.0" encoding="UTF-8"?>\n<AddressBook>\n  <version>1</version>\n';
  for (const group of named) head += `  <pbgroup>\n    <id>${numericId.get(group.id)}</id>\n    <name>${text(group.name)}</name>\n  </pbgroup>\n`;
  yield head;
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]!;
    let contact = `  <Contact>\n    <id>${index + 1}</id>\n    <FirstName>${text(entry.firstName)}</FirstName>\n    <LastName>${text(entry.lastName)}</LastName>\n`;
    if (entry.company) contact += `    <Company>${text(entry.company)}</Company>\n`;
    if (entry.jobTitle) contact += `    <JobTitle>${text(entry.jobTitle)}</JobTitle>\n`;
    const primary = Math.max(0, entry.numbers.findIndex((n) => n.isDefault));
    contact += `    <Frequent>0</Frequent>\n    <Primary>${primary}</Primary>\n`;
    for (const number of entry.numbers) {
      contact += `    <Phone type="${PHONE_TYPES[number.type]}">\n      <phonenumber>${text(number.dial)}</phonenumber>\n      <accountindex>${accountIndex}</accountindex>\n    </Phone>\n`;
    }
    if (entry.email) contact += `    <Mail type="Work">${text(entry.email)}</Mail>\n`;
    for (const groupId of entry.groupIds) {
      const id = numericId.get(groupId);
      if (id !== undefined) contact += `    <Group>${id}</Group>\n`;
    }
    yield `${contact}  </Contact>\n`;
  }
  yield '</AddressBook>';
}
