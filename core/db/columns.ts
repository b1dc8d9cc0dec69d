import { DataTypes, type Model, type ModelAttributeColumnOptions } from 'sequelize';

/** Column builders shared by the modules' Sequelize models (written once for SQLite and MariaDB). */

/** A TEXT column holding JSON; `fallback` is what a row without the attribute loaded reads as. */
export function json(attribute: string, fallback: unknown): ModelAttributeColumnOptions {
  return {
    type: DataTypes.TEXT,
    allowNull: false,
    get(this: Model) {
      const raw = this.getDataValue(attribute as never) as unknown;
      return raw == null ? fallback : JSON.parse(raw as string);
    },
    set(this: Model, value: unknown) {
      this.setDataValue(attribute as never, JSON.stringify(value) as never);
    },
  };
}

/** A VARCHAR(length) column, NOT NULL unless `allowNull`. */
export const str = (length: number, allowNull = false) => ({ type: DataTypes.STRING(length), allowNull });
