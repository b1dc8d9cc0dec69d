import { UniqueConstraintError, type Transaction } from 'sequelize';
import { invalidField, type Problems } from './problems';
import { Extension, InternalNumber, RingGroup } from './models';

type OwnerKind = InternalNumber['ownerKind'];

/**
 * The internal numbering plan: extensions and ring groups share it. A row per number (primary
 * key) makes the uniqueness hold across both tables, even for two requests at the same time.
 */
export class InternalNumbers {
  /** Adds a problem when `number` belongs to something other than `self`. */
  async checkFree(number: string, field: string, problems: Problems, self?: { kind: OwnerKind; id: number }, transaction?: Transaction): Promise<void> {
    const row = await InternalNumber.findByPk(number, { transaction });
    if (!row || (self && row.ownerKind === self.kind && row.ownerId === self.id)) return;
    problems.add(field, 'duplicate', `The number ${number} is already used by ${await this.describe(row, transaction)}.`);
  }

  /** Gives `number` to the owner, releasing the one it had; inside the caller's transaction. */
  async assign(number: string, kind: OwnerKind, id: number, field: string, transaction: Transaction): Promise<void> {
    await InternalNumber.destroy({ where: { ownerKind: kind, ownerId: id }, transaction });
    try {
      await InternalNumber.create({ number, ownerKind: kind, ownerId: id }, { transaction });
    } catch (err) {
      if (err instanceof UniqueConstraintError) throw invalidField(field, 'duplicate', `The number ${number} was just taken by another change.`);
      throw err;
    }
  }

  async release(kind: OwnerKind, id: number, transaction: Transaction): Promise<void> {
    await InternalNumber.destroy({ where: { ownerKind: kind, ownerId: id }, transaction });
  }

  private async describe(row: InternalNumber, transaction?: Transaction): Promise<string> {
    if (row.ownerKind === 'extension') {
      const extension = await Extension.findByPk(row.ownerId, { transaction });
      return `extension "${extension?.name ?? row.ownerId}"`;
    }
    const group = await RingGroup.findByPk(row.ownerId, { transaction });
    return `ring group "${group?.name ?? row.ownerId}"`;
  }
}
