import type { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../../http/routes';
import { idParam } from '../../../http/schemas';
import { snapshotByKey } from '../../../audit/snapshots';
import { listQuery, nothing } from '../schemas';
import { targetFromParams, targetFromResult } from './route-helpers';

/** A list/get/create/update/delete set of routes for one resource. */
export function crud<S extends { list: (q: never) => unknown; get: (id: number) => unknown; create: (b: never) => unknown; update: (id: number, b: never) => unknown; remove: (id: number) => unknown }>(
  spec: { key: string; path: string; noun: string; kind: string; service: () => S; create: z.ZodType; update: z.ZodType; listSummary: string; deleteSummary: string },
): RouteDefinition[] {
  const target = targetFromParams(spec.kind);
  const snapshot = snapshotByKey((id: number) => spec.service().get(id));
  return [
    defineRoute({
      id: `telephony.${spec.key}.list`,
      method: 'GET',
      path: spec.path,
      summary: spec.listSummary,
      permission: 'telephony.read',
      input: { query: listQuery() },
      handler: ({ query }) => spec.service().list(query as never),
    }),
    defineRoute({
      id: `telephony.${spec.key}.get`,
      method: 'GET',
      path: `${spec.path}/:id`,
      summary: `One ${spec.noun}`,
      permission: 'telephony.read',
      input: { params: idParam, query: nothing },
      handler: ({ params }) => spec.service().get(params.id),
    }),
    defineRoute({
      id: `telephony.${spec.key}.create`,
      method: 'POST',
      path: spec.path,
      summary: `Create ${/^[aeiou]/.test(spec.noun) ? 'an' : 'a'} ${spec.noun}`,
      permission: 'telephony.manage',
      status: 201,
      input: { body: spec.create },
      audit: { target: targetFromResult(spec.kind), snapshot },
      handler: ({ body }) => spec.service().create(body as never),
    }),
    defineRoute({
      id: `telephony.${spec.key}.update`,
      method: 'PATCH',
      path: `${spec.path}/:id`,
      summary: `Change ${/^[aeiou]/.test(spec.noun) ? 'an' : 'a'} ${spec.noun}`,
      permission: 'telephony.manage',
      input: { params: idParam, body: spec.update },
      audit: { target, snapshot },
      handler: ({ params, body }) => spec.service().update(params.id, body as never),
    }),
    defineRoute({
      id: `telephony.${spec.key}.delete`,
      method: 'DELETE',
      path: `${spec.path}/:id`,
      summary: spec.deleteSummary,
      permission: 'telephony.manage',
      input: { params: idParam },
      audit: { target, snapshot },
      handler: async ({ params }) => {
        await spec.service().remove(params.id);
      },
    }),
  ];
}

