import type { Sequelize } from 'sequelize';
import { HttpError } from '../../http/problem';
import type { TelephonyConfigChanges } from './config-changes';
import { OutboundRoute, OutboundRouteTrunk, Trunk, type RecordingPolicy } from './models';
import { Problems, refusingDuplicates } from './problems';
import { searchWhere, type ListFilter, type Page } from './search';

export interface OutboundRouteView {
  id: number;
  name: string;
  priority: number;
  patterns: string[];
  stripDigits: number;
  prepend: string;
  /** In failover order. */
  trunkIds: number[];
  recording: RecordingPolicy;
  createdAt: string;
  updatedAt: string;
}

export interface OutboundRouteInput {
  name?: string;
  priority?: number;
  patterns?: string[];
  stripDigits?: number;
  prepend?: string;
  trunkIds?: number[];
  recording?: RecordingPolicy;
}

/** Which numbers leave through which trunks, first trunk first, the next ones on failure. */
export class OutboundRouteService {
  constructor(private readonly deps: { sequelize: Sequelize; changes: TelephonyConfigChanges }) {}

  async find(id: number): Promise<OutboundRoute> {
    const route = await OutboundRoute.findByPk(id);
    if (!route) throw HttpError.notFound('outbound route', `No outbound route with id ${id}.`);
    return route;
  }

  async get(id: number): Promise<OutboundRouteView> {
    return (await this.views([await this.find(id)]))[0]!;
  }

  async list(filter: ListFilter): Promise<Page<OutboundRouteView>> {
    const { rows, count } = await OutboundRoute.findAndCountAll({
      where: searchWhere(OutboundRoute, ['name'], filter.search),
      order: [['priority', 'ASC'], ['id', 'ASC']],
      limit: filter.limit,
      offset: filter.offset,
    });
    return { items: await this.views(rows), total: count };
  }

  async create(input: OutboundRouteInput & { name: string; patterns: string[]; trunkIds: number[] }): Promise<OutboundRouteView> {
    await this.validate(input, null);
    const route = await refusingDuplicates({ name: 'body.name' }, () => this.deps.sequelize.transaction(async (transaction) => {
      const created = await OutboundRoute.create(
        { name: input.name.trim(), priority: input.priority ?? 100, patterns: input.patterns, stripDigits: input.stripDigits ?? 0, prepend: input.prepend ?? '', recording: input.recording ?? 'never' },
        { transaction },
      );
      await OutboundRouteTrunk.bulkCreate(input.trunkIds.map((trunkId, position) => ({ routeId: created.id, trunkId, position })), { transaction });
      return created;
    }));
    this.deps.changes.committed('outboundRoute', 'created', route.id);
    return this.get(route.id);
  }

  async update(id: number, input: OutboundRouteInput): Promise<OutboundRouteView> {
    const route = await this.find(id);
    await this.validate(input, route);
    await refusingDuplicates({ name: 'body.name' }, () => this.deps.sequelize.transaction(async (transaction) => {
      await route.update(
        {
          name: input.name?.trim() ?? route.name,
          priority: input.priority ?? route.priority,
          patterns: input.patterns ?? route.patterns,
          stripDigits: input.stripDigits ?? route.stripDigits,
          prepend: input.prepend ?? route.prepend,
          recording: input.recording ?? route.recording,
        },
        { transaction },
      );
      if (input.trunkIds) {
        await OutboundRouteTrunk.destroy({ where: { routeId: id }, transaction });
        await OutboundRouteTrunk.bulkCreate(input.trunkIds.map((trunkId, position) => ({ routeId: id, trunkId, position })), { transaction });
      }
    }));
    this.deps.changes.committed('outboundRoute', 'updated', id);
    return this.get(id);
  }

  async remove(id: number): Promise<void> {
    const route = await this.find(id);
    await this.deps.sequelize.transaction(async (transaction) => {
      await OutboundRouteTrunk.destroy({ where: { routeId: id }, transaction });
      await route.destroy({ transaction });
    });
    this.deps.changes.committed('outboundRoute', 'deleted', id);
  }

  private async validate(input: OutboundRouteInput, current: OutboundRoute | null): Promise<void> {
    const problems = new Problems();
    const name = input.name?.trim();
    if (name && name !== current?.name && (await OutboundRoute.findOne({ where: { name } }))) problems.add('body.name', 'duplicate', `An outbound route named "${name}" already exists.`);
    if (input.trunkIds) {
      const known = new Set((await Trunk.findAll({ where: { id: input.trunkIds }, attributes: ['id'] })).map((t) => t.id));
      input.trunkIds.forEach((trunkId, index) => {
        if (!known.has(trunkId)) problems.add(`body.trunkIds.${index}`, 'not_found', `No trunk with id ${trunkId}.`);
      });
    }
    problems.throwIfAny();
  }

  private async views(routes: OutboundRoute[]): Promise<OutboundRouteView[]> {
    const links = routes.length ? await OutboundRouteTrunk.findAll({ where: { routeId: routes.map((r) => r.id) }, order: [['position', 'ASC']] }) : [];
    return routes.map((r) => ({
      id: r.id,
      name: r.name,
      priority: r.priority,
      patterns: r.patterns,
      stripDigits: r.stripDigits,
      prepend: r.prepend,
      trunkIds: links.filter((l) => l.routeId === r.id).map((l) => l.trunkId),
      recording: r.recording,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    }));
  }
}
