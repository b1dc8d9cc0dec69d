/**
 * The contract of the collection `provisioning.phonebookSources`: anything that can fill the
 * phonebook of desk phones. Provisioning lists the sources, asks each for its groups and entries,
 * and renders them in each vendor's format (e.g. Grandstream's AddressBook XML), regenerating
 * when `changedAt()` moves.
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
  /** When the content last changed; phones' files older than this are regenerated. */
  changedAt(): Date;
  groups(): Promise<PhonebookGroup[]>;
  entries(): Promise<PhonebookEntry[]>;
}

export const PHONEBOOK_SOURCES = 'provisioning.phonebookSources';

/** The contract of the collection `telephony.callerNameResolvers`: a name for an inbound caller's number. */
export interface CallerNameResolver {
  id: string;
  /** The caller's name, or null when this resolver does not know the number. */
  resolve(number: string): Promise<string | null>;
}

export const CALLER_NAME_RESOLVERS = 'telephony.callerNameResolvers';
