import type { PluginContext } from '../../core/plugin-api';
import type { DirectoryServices } from './directory-services';
import { contactRoutes } from './routes/contact-routes';
import { csvRoutes } from './routes/csv-routes';
import { folderRoutes } from './routes/folder-routes';
import { settingsRoutes } from './routes/settings-routes';

/** Every route of the plugin, served under /api/plugins/directory. Handlers stay thin: services hold the logic. */
export function registerRoutes(ctx: PluginContext, services: () => DirectoryServices): void {
  for (const route of [...contactRoutes(services), ...folderRoutes(services), ...csvRoutes(ctx, services), ...settingsRoutes(services)]) {
    ctx.routes.add(route);
  }
}
