/**
 * The contract of the collection `provisioning.phonebookSources`: anything that can fill the
 * phonebook of desk phones (the directory plugin's contacts, for example). Provisioning lists
 * the sources, asks each for its groups and entries, and renders them in each vendor's format
 * (Grandstream's AddressBook XML), again whenever a source's `changedAt()` moves.
 * Plugins import these types from the plugin API.
 */
export interface PhonebookGroup {
  /** Stable within the source. */
  id: string;
  name: string;
  /** Null for a top-level group. */
  parentId: string | null;
}

export interface PhonebookNumber {
  type: 'work' | 'mobile' | 'home' | 'fax' | 'other';
  /** What the phone dials: E.164 ("+33123456789") for public numbers, the digits for internal ones. */
  dial: string;
  isDefault: boolean;
}

export interface PhonebookEntry {
  /** Stable within the source (the directory's unique key). */
  id: string;
  firstName: string;
  lastName: string;
  company: string | null;
  jobTitle: string | null;
  email: string | null;
  /** Ids of the groups the entry belongs to. */
  groupIds: string[];
  numbers: PhonebookNumber[];
}

export interface PhonebookSource {
  id: string;
  /** When the content last changed (sent as Last-Modified); phones' files older than this are regenerated. */
  changedAt(): Date;
  /**
   * Optional: a counter that moves on every change. Preferred to `changedAt()` to tell versions
   * apart (two changes within one millisecond share a `changedAt()`).
   */
  revision?(): number;
  groups(): Promise<PhonebookGroup[]>;
  entries(): Promise<PhonebookEntry[]>;
}

/** Every source merged: group ids are prefixed by their source's id so that sources never collide. */
export interface Phonebook {
  groups: PhonebookGroup[];
  entries: PhonebookEntry[];
}

export const PHONEBOOK_SOURCES = 'provisioning.phonebookSources';
