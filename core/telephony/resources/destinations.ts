import type { Transaction } from 'sequelize';
import type { Destination } from '../config/snapshot';
import type { CallDestinationRegistry } from './call-destinations';
import { flattenDestination, type StoredDestination } from './destination-types';
import { Extension, InboundRoute, RingGroup, RingGroupMember, Schedule } from './models';
import type { Problems } from './problems';

/** Schedules inside schedules: two levels cover "holidays, then lunch break"; more is a mistake. */
const MAX_SCHEDULE_DEPTH = 2;

/** Checks destinations against what exists, and finds what points at a resource. */
export class DestinationRules {
  constructor(private readonly callDestinations: CallDestinationRegistry) {}

  /** Adds a problem under `field` for every part of `destination` that does not exist or cannot take calls. */
  async check(destination: StoredDestination, field: string, problems: Problems, transaction?: Transaction, depth = 0): Promise<void> {
    switch (destination.type) {
      case 'extension':
      case 'voicemail': {
        const extension = await Extension.findByPk(destination.extensionId, { transaction });
        if (!extension) problems.add(`${field}.extensionId`, 'not_found', `No extension with id ${destination.extensionId}.`);
        else if (destination.type === 'voicemail' && !extension.voicemailEnabled) {
          problems.add(`${field}.extensionId`, 'voicemail_disabled', `Extension ${extension.number} has no voicemail; turn it on first.`);
        }
        return;
      }
      case 'ringGroup':
        if (!(await RingGroup.findByPk(destination.ringGroupId, { transaction }))) problems.add(`${field}.ringGroupId`, 'not_found', `No ring group with id ${destination.ringGroupId}.`);
        return;
      case 'application':
        if (!this.callDestinations.find(destination.route)) {
          const known = this.callDestinations.list().map((d) => d.route);
          problems.add(`${field}.route`, 'not_found', `No application destination "${destination.route}" is registered${known.length ? ` (known: ${known.join(', ')})` : ''}.`);
        }
        return;
      case 'schedule':
        if (depth >= MAX_SCHEDULE_DEPTH) {
          problems.add(field, 'too_deep', `Schedules may be nested ${MAX_SCHEDULE_DEPTH} levels deep at most.`);
          return;
        }
        if (!(await Schedule.findByPk(destination.scheduleId, { transaction }))) problems.add(`${field}.scheduleId`, 'not_found', `No schedule with id ${destination.scheduleId}.`);
        await this.check(destination.open, `${field}.open`, problems, transaction, depth + 1);
        await this.check(destination.closed, `${field}.closed`, problems, transaction, depth + 1);
        return;
      case 'hangup':
        return;
    }
  }

  /** Human descriptions of everything that sends calls to, or rings, the given resource. */
  async referencesTo(target: { extensionId?: number; ringGroupId?: number; scheduleId?: number; voicemailOnly?: boolean }, transaction?: Transaction): Promise<string[]> {
    const hits = (destination: StoredDestination) =>
      flattenDestination(destination).some(
        (d) =>
          (target.extensionId !== undefined && (d.type === 'voicemail' || (!target.voicemailOnly && d.type === 'extension')) && d.extensionId === target.extensionId) ||
          (target.ringGroupId !== undefined && d.type === 'ringGroup' && d.ringGroupId === target.ringGroupId) ||
          (target.scheduleId !== undefined && d.type === 'schedule' && d.scheduleId === target.scheduleId),
      );
    const found: string[] = [];
    // Route and group tables are small (hundreds of rows): reading them whole is simpler than indexing JSON.
    for (const route of await InboundRoute.findAll({ order: [['id', 'ASC']], transaction })) {
      if (hits(route.destination)) found.push(`inbound route ${route.did ?? '(catch-all)'} "${route.name}" (id ${route.id})`);
    }
    const groups = await RingGroup.findAll({ order: [['id', 'ASC']], transaction });
    for (const group of groups) {
      if (group.id !== target.ringGroupId && hits(group.fallback)) found.push(`the fallback of ring group ${group.number} "${group.name}" (id ${group.id})`);
    }
    if (target.extensionId !== undefined && !target.voicemailOnly) {
      const memberships = await RingGroupMember.findAll({ where: { extensionId: target.extensionId }, transaction });
      for (const m of memberships) {
        const group = groups.find((g) => g.id === m.ringGroupId);
        if (group) found.push(`ring group ${group.number} "${group.name}" (id ${group.id}), as a member`);
      }
    }
    return found;
  }
}

/** Numbers of what destinations point at, for turning stored destinations into snapshot ones. */
export interface NumberLookup {
  extensions: Map<number, string>;
  ringGroups: Map<number, string>;
}

export function toSnapshotDestination(destination: StoredDestination, lookup: NumberLookup): Destination {
  switch (destination.type) {
    // Deleting a referenced resource is refused, so a missing number means a row removed behind
    // Carillon's back: hanging up is the only safe reading.
    case 'extension': {
      const number = lookup.extensions.get(destination.extensionId);
      return number ? { type: 'extension', number } : { type: 'hangup' };
    }
    case 'voicemail': {
      const number = lookup.extensions.get(destination.extensionId);
      return number ? { type: 'voicemail', number } : { type: 'hangup' };
    }
    case 'ringGroup': {
      const number = lookup.ringGroups.get(destination.ringGroupId);
      return number ? { type: 'ringGroup', number } : { type: 'hangup' };
    }
    case 'application':
      return { type: 'application', route: destination.route, args: destination.args };
    case 'schedule':
      return { type: 'schedule', scheduleId: destination.scheduleId, open: toSnapshotDestination(destination.open, lookup), closed: toSnapshotDestination(destination.closed, lookup) };
    case 'hangup':
      return { type: 'hangup' };
  }
}
