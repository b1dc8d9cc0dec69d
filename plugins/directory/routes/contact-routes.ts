import { defineRoute, snapshotByKey, type RouteDefinition, type RouteInput } from '../../../core/plugin-api';
import type { DirectoryServices } from '../directory-services';
import { contactCreate, contactKeyParams, contactPatch, contactSearch, nothing, numberLookup } from '../schemas';
import type { NumberDisplay } from '../types';

function display(identity: { user: { numberDisplay: string } } | null): NumberDisplay {
  return identity?.user.numberDisplay === 'international' ? 'international' : 'national';
}

export function contactRoutes(services: () => DirectoryServices): Array<RouteDefinition<RouteInput>> {
  // A contact card as the API shows it: the audit log keeps what each change did to it.
  const snapshot = snapshotByKey((key: string) => services().contacts.card(key, 'international'), { param: 'key' });
  return [
    defineRoute({
      id: 'contacts.search', method: 'GET', path: '/contacts', permission: 'directory.read',
      summary: 'List or search contacts (name, company, any number in any format), paged',
      input: { query: contactSearch },
      handler: ({ query, identity }) => services().search.search(query, display(identity)),
    }),
    defineRoute({
      id: 'contacts.get', method: 'GET', path: '/contacts/:key', permission: 'directory.read',
      summary: 'A contact card',
      input: { params: contactKeyParams, query: nothing },
      handler: ({ params, identity }) => services().contacts.card(params.key, display(identity)),
    }),
    defineRoute({
      id: 'contacts.create', method: 'POST', path: '/contacts', permission: 'directory.manage', status: 201,
      summary: 'Add a contact (first and last name required); Carillon assigns its unique key',
      input: { body: contactCreate },
      audit: { snapshot, description: { en: 'Directory contact added', fr: 'Contact de l’annuaire ajouté' } },
      handler: ({ body, identity }) => services().contacts.create(body, display(identity)),
    }),
    defineRoute({
      id: 'contacts.update', method: 'PATCH', path: '/contacts/:key', permission: 'directory.manage',
      summary: 'Change a contact (LDAP contacts are read-only)',
      input: { params: contactKeyParams, body: contactPatch },
      audit: { snapshot, description: { en: 'Directory contact changed', fr: 'Contact de l’annuaire modifié' } },
      handler: ({ params, body, identity }) => services().contacts.update(params.key, body, display(identity)),
    }),
    defineRoute({
      id: 'contacts.delete', method: 'DELETE', path: '/contacts/:key', permission: 'directory.manage',
      summary: 'Delete a contact (LDAP contacts are read-only)',
      input: { params: contactKeyParams },
      audit: { snapshot, description: { en: 'Directory contact deleted', fr: 'Contact de l’annuaire supprimé' } },
      handler: async ({ params }) => {
        await services().contacts.remove(params.key);
      },
    }),
    defineRoute({
      id: 'callerName', method: 'GET', path: '/caller-name', permission: 'directory.read',
      summary: "The directory's name for a caller's number",
      input: { query: numberLookup },
      handler: async ({ query }) => ({ name: await services().callerNames.resolve(query.number) }),
    }),
  ] as Array<RouteDefinition<RouteInput>>;
}
