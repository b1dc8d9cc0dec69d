import { HttpError } from '../../http/problem';
import type { TelephonyConfigChanges } from './config-changes';
import { dialPatternMatches, EMERGENCY_NUMBERS } from './dial-patterns';
import { Extension, RestrictionClass } from './models';
import { Problems, refusingDuplicates, stillReferenced } from './problems';
import { searchWhere, type ListFilter, type Page } from './search';

export interface RestrictionClassView {
  id: number;
  name: string;
  description: string;
  deniedPatterns: string[];
  createdAt: string;
  updatedAt: string;
}

export interface RestrictionClassInput {
  name?: string;
  description?: string;
  deniedPatterns?: string[];
}

/** Named lists of dial patterns an extension may not call (international, surcharged…). */
export class RestrictionClassService {
  constructor(private readonly changes: TelephonyConfigChanges) {}

  async find(id: number): Promise<RestrictionClass> {
    const found = await RestrictionClass.findByPk(id);
    if (!found) throw HttpError.notFound('restriction class', `No restriction class with id ${id}.`);
    return found;
  }

  async get(id: number): Promise<RestrictionClassView> {
    return this.view(await this.find(id));
  }

  async list(filter: ListFilter): Promise<Page<RestrictionClassView>> {
    const { rows, count } = await RestrictionClass.findAndCountAll({
      where: searchWhere(RestrictionClass, ['name', 'description'], filter.search),
      order: [['name', 'ASC']],
      limit: filter.limit,
      offset: filter.offset,
    });
    return { items: rows.map((c) => this.view(c)), total: count };
  }

  async create(input: RestrictionClassInput & { name: string }): Promise<RestrictionClassView> {
    await this.validate(input, null);
    const created = await refusingDuplicates({ name: 'body.name' }, () =>
      RestrictionClass.create({ name: input.name, description: input.description ?? '', deniedPatterns: [...new Set(input.deniedPatterns ?? [])] }),
    );
    this.changes.committed('restrictionClass', 'created', created.id);
    return this.view(created);
  }

  async update(id: number, input: RestrictionClassInput): Promise<RestrictionClassView> {
    const found = await this.find(id);
    await this.validate(input, found);
    await refusingDuplicates({ name: 'body.name' }, () => found.update({
      name: input.name ?? found.name,
      description: input.description ?? found.description,
      deniedPatterns: input.deniedPatterns ? [...new Set(input.deniedPatterns)] : found.deniedPatterns,
    }));
    this.changes.committed('restrictionClass', 'updated', id);
    return this.view(found);
  }

  async remove(id: number): Promise<void> {
    const found = await this.find(id);
    const users = await Extension.findAll({ where: { restrictionClassId: id }, order: [['number', 'ASC']], limit: 20 });
    if (users.length) throw stillReferenced(`Restriction class "${found.name}"`, users.map((e) => `extension ${e.number} "${e.name}" (id ${e.id})`));
    await found.destroy();
    this.changes.committed('restrictionClass', 'deleted', id);
  }

  private async validate(input: RestrictionClassInput, current: RestrictionClass | null): Promise<void> {
    const problems = new Problems();
    if (input.name && input.name !== current?.name && (await RestrictionClass.findOne({ where: { name: input.name } }))) {
      problems.add('body.name', 'duplicate', `A restriction class named "${input.name}" already exists.`);
    }
    (input.deniedPatterns ?? []).forEach((pattern, index) => {
      // Calls to emergency services must always get through, whatever the class.
      const blocked = EMERGENCY_NUMBERS.find((number) => dialPatternMatches(pattern, number));
      if (blocked) problems.add(`body.deniedPatterns.${index}`, 'blocks_emergency', `${pattern} would block the emergency number ${blocked}.`);
    });
    problems.throwIfAny();
  }

  private view(c: RestrictionClass): RestrictionClassView {
    return { id: c.id, name: c.name, description: c.description, deniedPatterns: c.deniedPatterns, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString() };
  }
}
