import mariadb, { type Connection, type ConnectionConfig } from 'mariadb';

/**
 * The `mariadb` driver as Sequelize 6 expects it. Driver 3.x defines a result set's `meta` as a
 * non-configurable property and Sequelize's raw queries delete it, which throws; the connection's
 * `query` here returns a copy of the result array whose `meta` can be deleted (sequelize/sequelize#15701).
 */
function withDeletableMeta(connection: Connection): Connection {
  const query = connection.query.bind(connection);
  connection.query = (async (...args: Parameters<Connection['query']>) => {
    const result: unknown = await query(...args);
    if (!Array.isArray(result)) return result;
    const copy = [...result];
    Object.defineProperty(copy, 'meta', { value: (result as { meta?: unknown }).meta, writable: true, configurable: true, enumerable: false });
    return copy;
  }) as Connection['query'];
  return connection;
}

export const mariadbForSequelize = {
  ...mariadb,
  createConnection: async (config: ConnectionConfig) => withDeletableMeta(await mariadb.createConnection(config)),
};
