import type { Sequelize } from 'sequelize';
import { HttpError } from '../../http/problem';
import type { TelephonyConfigChanges } from './config-changes';
import { flattenDestination, type StoredDestination } from './destination-types';
import type { DestinationRules } from './destinations';
import type { InternalNumbers } from './internal-numbers';
import { Extension, RingGroup, RingGroupMember } from './models';
import { Problems, stillReferenced } from './problems';
import { searchWhere, type ListFilter, type Page } from './search';

export interface RingGroupView {
  id: number;
  number: string;
  name: string;
  strategy: 'ring_all' | 'hunt';
  /** Extension ids, in hunt order. */
  members: number[];
  ringSeconds: number;
  fallback: StoredDestination;
  createdAt: string;
  updatedAt: string;
}

export interface RingGroupInput {
  number?: string;
  name?: string;
  strategy?: 'ring_all' | 'hunt';
  members?: number[];
  ringSeconds?: number;
  fallback?: StoredDestination;
}

/** Several extensions behind one number: all at once, or one after the other. */
export class RingGroupService {
  constructor(
    private readonly deps: { sequelize: Sequelize; numbers: InternalNumbers; destinations: DestinationRules; changes: TelephonyConfigChanges },
  ) {}

  async find(id: number): Promise<RingGroup> {
    const group = await RingGroup.findByPk(id);
    if (!group) throw HttpError.notFound('ring group', `No ring group with id ${id}.`);
    return group;
  }

  async get(id: number): Promise<RingGroupView> {
    return (await this.views([await this.find(id)]))[0]!;
  }

  async list(filter: ListFilter): Promise<Page<RingGroupView>> {
    const { rows, count } = await RingGroup.findAndCountAll({
      where: searchWhere(RingGroup, ['number', 'name'], filter.search),
      order: [['number', 'ASC']],
      limit: filter.limit,
      offset: filter.offset,
    });
    return { items: await this.views(rows), total: count };
  }

  async create(input: RingGroupInput & { number: string; name: string; members: number[] }): Promise<RingGroupView> {
    await this.validate(input, null);
    const group = await this.deps.sequelize.transaction(async (transaction) => {
      const created = await RingGroup.create(
        { number: input.number, name: input.name.trim(), strategy: input.strategy ?? 'ring_all', ringSeconds: input.ringSeconds ?? 20, fallback: input.fallback ?? { type: 'hangup' } },
        { transaction },
      );
      await this.deps.numbers.assign(input.number, 'ringGroup', created.id, 'body.number', transaction);
      await RingGroupMember.bulkCreate(input.members.map((extensionId, position) => ({ ringGroupId: created.id, extensionId, position })), { transaction });
      return created;
    });
    this.deps.changes.committed('ringGroup', 'created', group.id);
    return this.get(group.id);
  }

  async update(id: number, input: RingGroupInput): Promise<RingGroupView> {
    const group = await this.find(id);
    await this.validate(input, group);
    const previousNumber = group.number;
    await this.deps.sequelize.transaction(async (transaction) => {
      await group.update(
        {
          number: input.number ?? group.number,
          name: input.name?.trim() ?? group.name,
          strategy: input.strategy ?? group.strategy,
          ringSeconds: input.ringSeconds ?? group.ringSeconds,
          fallback: input.fallback ?? group.fallback,
        },
        { transaction },
      );
      if (input.number && input.number !== previousNumber) await this.deps.numbers.assign(input.number, 'ringGroup', id, 'body.number', transaction);
      if (input.members) {
        await RingGroupMember.destroy({ where: { ringGroupId: id }, transaction });
        await RingGroupMember.bulkCreate(input.members.map((extensionId, position) => ({ ringGroupId: id, extensionId, position })), { transaction });
      }
    });
    this.deps.changes.committed('ringGroup', 'updated', id);
    return this.get(id);
  }

  async remove(id: number): Promise<void> {
    const group = await this.find(id);
    const users = await this.deps.destinations.referencesTo({ ringGroupId: id });
    if (users.length) throw stillReferenced(`Ring group ${group.number}`, users);
    await this.deps.sequelize.transaction(async (transaction) => {
      await RingGroupMember.destroy({ where: { ringGroupId: id }, transaction });
      await this.deps.numbers.release('ringGroup', id, transaction);
      await group.destroy({ transaction });
    });
    this.deps.changes.committed('ringGroup', 'deleted', id);
  }

  private async validate(input: RingGroupInput, current: RingGroup | null): Promise<void> {
    const problems = new Problems();
    if (input.number) await this.deps.numbers.checkFree(input.number, 'body.number', problems, current ? { kind: 'ringGroup', id: current.id } : undefined);
    if (input.members) {
      const known = new Set((await Extension.findAll({ where: { id: input.members }, attributes: ['id'] })).map((e) => e.id));
      input.members.forEach((extensionId, index) => {
        if (!known.has(extensionId)) problems.add(`body.members.${index}`, 'not_found', `No extension with id ${extensionId}.`);
      });
    }
    if (input.fallback) {
      await this.deps.destinations.check(input.fallback, 'body.fallback', problems);
      if (current && (await this.fallbackLoops(current.id, input.fallback))) {
        problems.add('body.fallback', 'loop', 'This fallback leads back to this ring group: unanswered calls would go round for ever.');
      }
    }
    problems.throwIfAny();
  }

  /** Whether following ring-group fallbacks from `fallback` comes back to group `id`. */
  private async fallbackLoops(id: number, fallback: StoredDestination): Promise<boolean> {
    const fallbacks = new Map((await RingGroup.findAll({ attributes: ['id', 'fallback'] })).map((g) => [g.id, g.fallback]));
    fallbacks.set(id, fallback);
    const seen = new Set<number>();
    const next = (groupId: number) =>
      flattenDestination(fallbacks.get(groupId) ?? { type: 'hangup' }).flatMap((d) => (d.type === 'ringGroup' ? [d.ringGroupId] : []));
    const queue = next(id);
    while (queue.length) {
      const groupId = queue.shift()!;
      if (groupId === id) return true;
      if (seen.has(groupId)) continue;
      seen.add(groupId);
      queue.push(...next(groupId));
    }
    return false;
  }

  private async views(groups: RingGroup[]): Promise<RingGroupView[]> {
    const members = groups.length ? await RingGroupMember.findAll({ where: { ringGroupId: groups.map((g) => g.id) }, order: [['position', 'ASC']] }) : [];
    return groups.map((g) => ({
      id: g.id,
      number: g.number,
      name: g.name,
      strategy: g.strategy,
      members: members.filter((m) => m.ringGroupId === g.id).map((m) => m.extensionId),
      ringSeconds: g.ringSeconds,
      fallback: g.fallback,
      createdAt: g.createdAt.toISOString(),
      updatedAt: g.updatedAt.toISOString(),
    }));
  }
}
