import { HttpError } from '../../http/problem';
import type { TelephonyConfigChanges } from './config-changes';
import type { StoredDestination } from './destination-types';
import type { DestinationRules } from './destinations';
import { InboundRoute, type RecordingPolicy } from './models';
import { Problems, refusingDuplicates } from './problems';
import { searchWhere, type ListFilter, type Page } from './search';

export interface InboundRouteView {
  id: number;
  name: string;
  /** E.164, or null for the catch-all route. */
  did: string | null;
  callerPattern: string | null;
  destination: StoredDestination;
  recording: RecordingPolicy;
  createdAt: string;
  updatedAt: string;
}

export interface InboundRouteInput {
  name?: string;
  did?: string | null;
  callerPattern?: string | null;
  destination?: StoredDestination;
  recording?: RecordingPolicy;
}

/** Where calls to each DID go. */
export class InboundRouteService {
  constructor(private readonly deps: { destinations: DestinationRules; changes: TelephonyConfigChanges }) {}

  async find(id: number): Promise<InboundRoute> {
    const route = await InboundRoute.findByPk(id);
    if (!route) throw HttpError.notFound('inbound route', `No inbound route with id ${id}.`);
    return route;
  }

  async get(id: number): Promise<InboundRouteView> {
    return this.view(await this.find(id));
  }

  async list(filter: ListFilter): Promise<Page<InboundRouteView>> {
    const { rows, count } = await InboundRoute.findAndCountAll({
      where: searchWhere(InboundRoute, ['did', 'name'], filter.search),
      order: [['did', 'ASC'], ['id', 'ASC']],
      limit: filter.limit,
      offset: filter.offset,
    });
    return { items: rows.map((r) => this.view(r)), total: count };
  }

  async create(input: InboundRouteInput & { did: string | null; destination: StoredDestination }): Promise<InboundRouteView> {
    await this.validate(input, null);
    const route = await refusingDuplicates({ did: 'body.did' }, () => InboundRoute.create({
      name: input.name?.trim() || (input.did ?? 'catch-all'),
      did: input.did,
      callerPattern: input.callerPattern ?? null,
      destination: input.destination,
      recording: input.recording ?? 'never',
    }));
    this.deps.changes.committed('inboundRoute', 'created', route.id);
    return this.view(route);
  }

  async update(id: number, input: InboundRouteInput): Promise<InboundRouteView> {
    const route = await this.find(id);
    await this.validate(input, route);
    await refusingDuplicates({ did: 'body.did' }, () => route.update({
      name: input.name?.trim() || route.name,
      did: input.did !== undefined ? input.did : route.did,
      callerPattern: input.callerPattern !== undefined ? input.callerPattern : route.callerPattern,
      destination: input.destination ?? route.destination,
      recording: input.recording ?? route.recording,
    }));
    this.deps.changes.committed('inboundRoute', 'updated', id);
    return this.view(route);
  }

  async remove(id: number): Promise<void> {
    const route = await this.find(id);
    await route.destroy();
    this.deps.changes.committed('inboundRoute', 'deleted', id);
  }

  private async validate(input: InboundRouteInput, current: InboundRoute | null): Promise<void> {
    const problems = new Problems();
    if (input.did !== undefined && (current === null || input.did !== current.did)) {
      const taken = await InboundRoute.findOne({ where: { did: input.did } });
      if (taken) {
        problems.add('body.did', 'duplicate', input.did ? `The DID ${input.did} already has a route ("${taken.name}").` : `There is already a catch-all route ("${taken.name}").`);
      }
    }
    if (input.destination) await this.deps.destinations.check(input.destination, 'body.destination', problems);
    problems.throwIfAny();
  }

  private view(r: InboundRoute): InboundRouteView {
    return { id: r.id, name: r.name, did: r.did, callerPattern: r.callerPattern, destination: r.destination, recording: r.recording, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
  }
}
