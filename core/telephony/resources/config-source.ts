import type { CarillonConfig } from '../../config/schema';
import type { SecretBox } from '../../security/secret-box';
import type { TelephonyConfigSnapshot, TrunkConfig } from '../config/snapshot';
import { toSnapshotDestination, type NumberLookup } from './destinations';
import { Extension, InboundRoute, OutboundRoute, OutboundRouteTrunk, RestrictionClass, RingGroup, RingGroupMember, Schedule, Trunk } from './models';
import type { ScheduleService } from './schedule-service';
import type { TelephonySettings } from './settings';

/** What the configuration generator reads (container name `telephonyConfigSource`). */
export interface TelephonyConfigSource {
  snapshot(): Promise<TelephonyConfigSnapshot>;
}

/**
 * Builds the configuration snapshot from the database, secrets decrypted in memory. Public
 * holidays are expanded for this year and the next two: the dialplan is regenerated at every
 * change and start, long before that runs out.
 */
export class DatabaseTelephonyConfigSource implements TelephonyConfigSource {
  constructor(
    private readonly deps: { config: CarillonConfig; secretBox: SecretBox; settings: TelephonySettings; schedules: ScheduleService; now?: () => Date },
  ) {}

  async snapshot(): Promise<TelephonyConfigSnapshot> {
    const [extensions, trunks, inbound, outbound, routeTrunks, classes, groups, members, schedules] = await Promise.all([
      Extension.findAll({ order: [['number', 'ASC']] }),
      Trunk.findAll({ order: [['id', 'ASC']] }),
      InboundRoute.findAll({ order: [['did', 'ASC'], ['id', 'ASC']] }),
      OutboundRoute.findAll({ order: [['priority', 'ASC'], ['id', 'ASC']] }),
      OutboundRouteTrunk.findAll({ order: [['position', 'ASC']] }),
      RestrictionClass.findAll({ order: [['name', 'ASC']] }),
      RingGroup.findAll({ order: [['number', 'ASC']] }),
      RingGroupMember.findAll({ order: [['position', 'ASC']] }),
      Schedule.findAll({ order: [['id', 'ASC']] }),
    ]);
    const classNames = new Map(classes.map((c) => [c.id, c.name]));
    const lookup: NumberLookup = {
      extensions: new Map(extensions.map((e) => [e.id, e.number])),
      ringGroups: new Map(groups.map((g) => [g.id, g.number])),
    };
    const year = (this.deps.now?.() ?? new Date()).getUTCFullYear();
    const { secretBox } = this.deps;
    return {
      stasisApp: this.deps.config.telephony.ari.app,
      transports: await this.deps.settings.transports(),
      extensions: extensions.map((e) => ({
        id: e.id,
        number: e.number,
        name: e.name,
        sipUsername: e.sipUsername,
        sipPassword: secretBox.decrypt(e.sipPasswordSealed),
        codecs: e.codecs,
        maxContacts: e.maxContacts,
        webrtc: e.webrtc,
        voicemail: { enabled: e.voicemailEnabled, email: e.voicemailEmail },
        recording: e.recording,
        restrictionClass: classNames.get(e.restrictionClassId) ?? '',
        outboundCallerId: e.outboundCallerId,
        doNotDisturb: e.doNotDisturb,
        forwarding: { unconditional: e.forwardUnconditional, busy: e.forwardBusy, noAnswer: e.forwardNoAnswer, noAnswerSeconds: e.forwardNoAnswerSeconds },
      })),
      trunks: trunks.map((t): TrunkConfig => {
        const password = secretBox.decrypt(t.passwordSealed);
        if (t.kind === 'peer') {
          return { kind: 'peer', id: t.id, name: t.name, username: t.username, password, allowedAddresses: t.allowedAddresses, codecs: t.codecs, maxChannels: t.maxChannels };
        }
        return {
          kind: 'operator',
          id: t.id,
          name: t.name,
          host: t.host!,
          port: t.port!,
          transport: t.transport!,
          username: t.username,
          password,
          fromDomain: t.fromDomain,
          fromUser: t.fromUser,
          register: t.register,
          codecs: t.codecs,
          maxChannels: t.maxChannels,
        };
      }),
      inboundRoutes: inbound.map((r) => ({ id: r.id, did: r.did, callerPattern: r.callerPattern, destination: toSnapshotDestination(r.destination, lookup), recording: r.recording })),
      outboundRoutes: outbound.map((r) => ({
        id: r.id,
        name: r.name,
        priority: r.priority,
        patterns: r.patterns,
        stripDigits: r.stripDigits,
        prepend: r.prepend,
        recording: r.recording,
        trunkIds: routeTrunks.filter((l) => l.routeId === r.id).map((l) => l.trunkId),
      })),
      restrictionClasses: classes.map((c) => ({ name: c.name, deniedPatterns: c.deniedPatterns })),
      ringGroups: groups.map((g) => ({
        id: g.id,
        number: g.number,
        name: g.name,
        strategy: g.strategy,
        members: members.filter((m) => m.ringGroupId === g.id).map((m) => lookup.extensions.get(m.extensionId)!).filter(Boolean),
        ringSeconds: g.ringSeconds,
        fallback: toSnapshotDestination(g.fallback, lookup),
      })),
      schedules: schedules.map((s) => ({
        id: s.id,
        name: s.name,
        timeZone: s.timeZone,
        weekly: s.weekly,
        holidays: this.deps.schedules.closedDays(s, [year, year + 1, year + 2]),
        override: s.override,
      })),
    };
  }
}
