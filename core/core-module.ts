import type { AwilixContainer } from 'awilix';
import type { Sequelize } from 'sequelize';
import type { PermissionDefinition } from './auth/permissions';
import type { CoreCradle } from './container';
import type { RouteDefinition } from './http/routes';
import type { WebhookEventSpec } from './events/bus';

/**
 * A part of core beyond the platform itself (telephony resources, call log…): its models,
 * services, permissions, events, routes and lifecycle, wired by the application in one place.
 */
export interface CoreModule {
  name: string;
  /** Permissions it adds to the catalogue (owner `core`). */
  permissions?: PermissionDefinition[];
  /** Events it publishes, and who may receive them over socket.io. */
  events?: Array<{ name: string; permission: string | null; description?: string; webhook?: WebhookEventSpec }>;
  initModels?(sequelize: Sequelize): void;
  /** Registers its services in the root container (explicit lifetimes). */
  register?(container: AwilixContainer<CoreCradle>): void;
  /** Its routes, each group under a path prefix such as `/api/telephony`. */
  routes?(container: AwilixContainer<CoreCradle>): Array<{ prefix: string; routes: RouteDefinition[] }>;
  /** Runs after plugins have started; must not block on external systems. */
  start?(container: AwilixContainer<CoreCradle>): Promise<void> | void;
  /** Runs before plugins stop. */
  stop?(container: AwilixContainer<CoreCradle>): Promise<void> | void;
}
