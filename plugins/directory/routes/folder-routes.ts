import { defineRoute, type RouteDefinition, type RouteInput } from '../../../core/plugin-api';
import type { DirectoryServices } from '../directory-services';
import { folderCreate, folderDelete, folderPatch, idParams, nothing } from '../schemas';

export function folderRoutes(services: () => DirectoryServices): Array<RouteDefinition<RouteInput>> {
  return [
    defineRoute({
      id: 'folders.list', method: 'GET', path: '/folders', permission: 'directory.read',
      summary: 'Every folder with its path and number of contacts',
      input: { query: nothing },
      handler: async () => ({ items: await services().folders.list() }),
    }),
    defineRoute({
      id: 'folders.create', method: 'POST', path: '/folders', permission: 'directory.manage', status: 201,
      summary: 'Add a folder, at the root or inside another',
      input: { body: folderCreate },
      audit: { description: { en: 'Directory folder added', fr: 'Dossier de l’annuaire ajouté' } },
      handler: ({ body }) => services().folders.create(body),
    }),
    defineRoute({
      id: 'folders.update', method: 'PATCH', path: '/folders/:id', permission: 'directory.manage',
      summary: 'Rename or move a folder',
      input: { params: idParams, body: folderPatch },
      audit: { description: { en: 'Directory folder renamed or moved', fr: 'Dossier de l’annuaire renommé ou déplacé' } },
      handler: ({ params, body }) => services().folders.update(params.id, body),
    }),
    defineRoute({
      id: 'folders.delete', method: 'DELETE', path: '/folders/:id', permission: 'directory.manage',
      summary: 'Delete a folder; its content is moved (contents=move, moveTo=<id>|root, default its parent) or removed (contents=delete)',
      input: { params: idParams, query: folderDelete },
      audit: { description: { en: 'Directory folder deleted', fr: 'Dossier de l’annuaire supprimé' } },
      handler: ({ params, query }) => services().folders.remove(params.id, query),
    }),
  ] as Array<RouteDefinition<RouteInput>>;
}
