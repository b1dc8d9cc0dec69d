import type { EventBus } from '../../events/bus';
import type { Logger } from '../../logging/logger';
import type { TelephonyService } from '../../telephony/telephony-service';
import type { ExtensionDirectory } from '../extension-directory';
import type { AriRegistrarReader, ContactInfo, SipContact } from './ari-registrar-reader';

export interface ExtensionRegistration {
  extension: string;
  name: string;
  endpoint: string;
  /** `online` with at least one reachable contact, `offline`, `unknown` when Asterisk cannot be asked. */
  state: string;
  contacts: SipContact[];
}

export const REGISTRATION_CHANGED = 'telephony.registrationChanged';

/**
 * Contacts registered before Carillon connected have had no ContactStatusChange yet, and ARI has
 * no read of the qualify status (GET /endpoints/{tech}/{resource} gives the endpoint's state only:
 * unknown, offline, online). Extensions are qualified (qualify_frequency=60), and res_pjsip marks
 * an endpoint online when one of its contacts is reachable: an offline endpoint's contacts are all
 * unreachable, and an online endpoint with a single contact has that one reachable. With several
 * contacts of an online endpoint, which one answers is unknown: they stay `Unknown` until an event.
 */
export function withEndpointState(state: string, contacts: SipContact[]): SipContact[] {
  const unknown = contacts.filter((c) => c.statusSource === 'none');
  if (unknown.length === 0) return contacts;
  if (state === 'offline') return contacts.map((c) => (c.statusSource === 'none' ? { ...c, status: 'Unreachable', statusSource: 'endpoint' } : c));
  const othersReachable = contacts.some((c) => c.statusSource === 'event' && c.status === 'Reachable');
  if (state === 'online' && unknown.length === 1 && !othersReachable) return contacts.map((c) => (c.statusSource === 'none' ? { ...c, status: 'Reachable', statusSource: 'endpoint' } : c));
  return contacts;
}

interface EndpointEvent {
  type: string;
  endpoint?: { technology?: string; resource?: string; state?: string };
  contact_info?: ContactInfo;
  peer?: { peer_status?: string; address?: string };
}

/**
 * The SIP registrations view: for each extension the database knows (ARI may still list
 * removed endpoints), its contacts as Asterisk's registrar has them (qualify status as the events
 * since Carillon connected told it); and live changes
 * (ContactStatusChange, PeerStatusChange) republished as `telephony.registrationChanged`.
 */
export class RegistrationService {
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly reader: AriRegistrarReader,
    private readonly extensions: ExtensionDirectory,
    private readonly telephony: TelephonyService,
    private readonly events: EventBus,
    private readonly app: string,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.unsubscribe.push(
      this.telephony.onReady(async () => {
        this.reader.forgetContactStatuses();
        await this.reader.subscribeToEndpoints(this.app).catch((err: unknown) => this.logger.warn({ err }, 'cannot subscribe to endpoint events; registrations will not update live'));
      }),
    );
    this.unsubscribe.push(this.telephony.hub.on((event) => void this.onEvent(event as unknown as EndpointEvent)));
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  async list(): Promise<ExtensionRegistration[]> {
    const extensions = await this.extensions.list();
    return Promise.all(extensions.map((e) => this.registrationOf(e)));
  }

  private async registrationOf(extension: { number: string; name: string; sipUsername: string }): Promise<ExtensionRegistration> {
    const base = { extension: extension.number, name: extension.name, endpoint: extension.sipUsername };
    if (!this.reader.configured || !this.telephony.connected) return { ...base, state: 'unknown', contacts: [] };
    try {
      const [state, contacts] = await Promise.all([this.reader.endpointState(extension.sipUsername), this.reader.contacts(extension.sipUsername)]);
      return { ...base, state, contacts: withEndpointState(state, contacts) };
    } catch (err) {
      this.logger.warn({ err, endpoint: extension.sipUsername }, 'cannot read an extension registration');
      return { ...base, state: 'unknown', contacts: [] };
    }
  }

  private async onEvent(event: EndpointEvent): Promise<void> {
    if (event.type !== 'ContactStatusChange' && event.type !== 'PeerStatusChange') return;
    // Before any read: the status only ARI events carry is part of what the reads then return.
    if (event.type === 'ContactStatusChange' && event.contact_info) this.reader.noteContactStatus(event.contact_info);
    const resource = event.endpoint?.resource;
    if (!resource) return;
    const extension = (await this.extensions.list()).find((e) => e.sipUsername === resource);
    // An endpoint the database does not know (removed, or not Carillon's) is not an extension.
    if (!extension) return;
    const registration = await this.registrationOf(extension);
    this.events.publish(REGISTRATION_CHANGED, {
      ...registration,
      change: event.type === 'ContactStatusChange' ? (event.contact_info?.contact_status ?? 'Unknown') : (event.peer?.peer_status ?? 'Unknown'),
      contactUri: event.contact_info?.uri ?? null,
    });
  }
}
