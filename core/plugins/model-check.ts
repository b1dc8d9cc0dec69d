import type { Model, ModelStatic, Sequelize } from 'sequelize';

/**
 * Compares a plugin's models with the tables its migrations made, before `start()`. Without it a
 * model expecting a column (often `created_at` / `updated_at`, which `ctx.models.define` adds as
 * Sequelize does) fails at the first query with a database message that names no model. Returns
 * a sentence naming each missing table or column, or null when every model fits.
 */
export async function modelMismatch(sequelize: Sequelize, models: Array<ModelStatic<Model>>): Promise<string | null> {
  const queryInterface = sequelize.getQueryInterface();
  const problems: string[] = [];
  for (const model of models) {
    const table = model.getTableName() as string;
    const name = model.name.replace(/^[^.]+\./, '');
    if (!(await queryInterface.tableExists(table))) {
      problems.push(`model ${name} needs the table ${table}, which no migration created`);
      continue;
    }
    const columns = new Set(Object.keys(await queryInterface.describeTable(table)));
    const timestamps = new Set([model.options.createdAt === false ? null : 'createdAt', model.options.updatedAt === false ? null : 'updatedAt']);
    for (const [attribute, definition] of Object.entries(model.getAttributes())) {
      const column = definition.field ?? attribute;
      if (definition.type.constructor.name === 'VIRTUAL' || columns.has(column)) continue;
      const hint = model.options.timestamps && timestamps.has(attribute)
        ? ` (timestamps are on, as in Sequelize: add the column in a migration, or define the model with { timestamps: false } or { ${attribute}: false })`
        : '';
      problems.push(`model ${name} needs the column ${column} in table ${table}, which is missing${hint}`);
    }
  }
  return problems.length ? `${problems.join('; ')}.` : null;
}
