/**
 * The phonebook contract is provisioning's (collection `provisioning.phonebookSources`, types in
 * the plugin API): the directory contributes its contacts to it like any plugin would.
 */
export { PHONEBOOK_SOURCES } from '../../core/plugin-api';
export type { PhonebookEntry, PhonebookGroup, PhonebookNumber, PhonebookSource } from '../../core/plugin-api';

/** The contract of the collection `telephony.callerNameResolvers`: a name for an inbound caller's number. */
export interface CallerNameResolver {
  id: string;
  /** The caller's name, or null when this resolver does not know the number. */
  resolve(number: string): Promise<string | null>;
}

export const CALLER_NAME_RESOLVERS = 'telephony.callerNameResolvers';
