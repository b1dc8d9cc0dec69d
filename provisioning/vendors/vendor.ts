import type { KeyType, ProgrammableKey } from '../models';
import type { Phonebook } from '../phonebook/phonebook-source';

/** What a phone model can take: the counts the API checks keys and accounts against. */
export interface ModelCapabilities {
  /** As the vendor writes it, e.g. `GRP2614`. */
  model: string;
  /** Template family folder, e.g. `grp261x`. */
  family: string;
  /** SIP accounts. */
  accounts: number;
  /** Programmable keys on the phone itself (Grandstream: virtual multi-purpose keys). */
  phoneKeys: number;
  /** Expansion modules the phone accepts (0: none), and keys on each. */
  maxModules: number;
  keysPerModule: number;
  keyTypes: KeyType[];
}

/** One SIP account of a phone, as the configuration file needs it. */
export interface AccountSettings {
  /** 1-based, as on the phone. */
  index: number;
  number: string;
  name: string;
  /** What the LCD shows for this account. */
  label: string;
  userId: string;
  authId: string;
  /** Null when the file must not carry secrets. */
  password: string | null;
}

/** Everything a vendor needs to write one phone's configuration; values are raw (the vendor escapes). */
export interface PhoneConfigContext {
  mac: string;
  capabilities: ModelCapabilities | null;
  /** False for phones not assigned yet: accounts disabled, no secrets, no credentials. */
  withSecrets: boolean;
  /**
   * `full`: the whole configuration. `redirect`: only where to fetch the configuration (HTTP),
   * for an assigned phone that gets no secret from this request (TFTP after its claim, or no
   * claim possible): it gets the rest over HTTP, authenticated, and nothing it has is
   * overwritten with blanks.
   */
  scope: 'full' | 'redirect';
  /**
   * host[:port] of Carillon's HTTP for phones, and the paths under it (no scheme, as Grandstream
   * wants them). `configPath` (and `phonebookPath`) are the site's secret path, or null when the
   * request did not show it: the phone's own path (from DHCP) must then be left alone, and no
   * file may tell the secret path to a request that did not know it.
   */
  server: { httpHost: string; configPath: string | null; firmwarePath: string; phonebookPath: string | null; sipHost: string; sipPort: number; ntpServer: string };
  device: {
    label: string;
    language: string;
    /** POSIX TZ rule (`CET-1CEST,M3.5.0,M10.5.0/3`), or null to let the phone decide. */
    posixTimeZone: string | null;
    vlan: { id: number; priority: number } | null;
    expansionModules: number;
    /** Microphone levels in dB: -6, 0 or +6. */
    audio: { handsetMicGainDb: number; headsetMicGainDb: number };
    /** Null without secrets. */
    adminPassword: string | null;
    httpCredentials: { username: string; password: string } | null;
  };
  accounts: AccountSettings[];
  keys: ProgrammableKey[];
  /** Minutes between phonebook downloads; 0: no phonebook. */
  phonebookIntervalMinutes: number;
  /** Model override first, then device override (device wins). */
  extraValues: Record<string, string>;
}

export interface DetectedPhone {
  model: string | null;
  firmware: string | null;
  /** Some phones name their MAC in the User-Agent. */
  mac: string | null;
}

/**
 * A phone vendor: detection, models and their capabilities, file names and renderers. Adding a
 * vendor is adding a folder under provisioning/vendors/ and contributing it to the collection
 * `provisioning.vendors` (core's own vendors, or a plugin's through ctx.collections).
 */
export interface ProvisioningVendor {
  id: string;
  displayName: string;
  /** OUIs (first 6 hex digits, upper-case) of the vendor's phones. */
  macPrefixes: string[];
  models: ModelCapabilities[];
  /** What the User-Agent says, or null when it is not one of this vendor's phones. */
  detect(userAgent: string): DetectedPhone | null;
  /** The MAC a configuration file name asks for (`cfgc074ad123456.xml`), or null when the name is not one of this vendor's. */
  configFileMac(fileName: string): string | null;
  renderConfig(context: PhoneConfigContext): string;
  /**
   * The phonebook file, in pieces (a contact each, say): the caller joins them and lets other
   * work run between pieces, so that a directory of thousands never holds the event loop.
   */
  renderPhonebook(book: Phonebook): Iterable<string>;
  /** Extra template values an admin may set: a name checker with the reason shown when refused. */
  checkExtraValueName(name: string): string | null;
}

export const PROVISIONING_VENDORS = 'provisioning.vendors';
