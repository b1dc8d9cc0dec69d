import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../../http/routes';
import { snapshotByKey } from '../../../audit/snapshots';
import { idParam } from '../../../http/schemas';
import type { TelephonyResources } from '../resources';
import { cidr, codecList, hostName, listQuery, nothing, sipUser } from '../schemas';
import { targetFromParams, targetFromResult } from './route-helpers';

const operatorUser = z.string().regex(/^[A-Za-z0-9._+-]{1,64}$/, '1 to 64 letters, digits, ".", "_", "+" or "-"');
const common = {
  name: z.string().trim().min(1).max(80),
  codecs: codecList.optional(),
  maxChannels: z.number().int().min(1).max(1000).nullable().optional(),
};
const operator = {
  host: hostName,
  port: z.number().int().min(1).max(65535),
  transport: z.enum(['udp', 'tcp', 'tls']),
  username: operatorUser,
  password: z.string().min(1).max(128),
  fromDomain: hostName.nullable(),
  fromUser: operatorUser.nullable(),
  register: z.boolean(),
};
const peer = { allowedAddresses: z.array(cidr).max(50) };

const createBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('operator'),
    ...common,
    ...z.object(operator).partial().shape,
    host: operator.host,
    username: operator.username,
    password: operator.password,
  }),
  z.strictObject({ kind: z.literal('peer'), ...common, username: sipUser.optional(), allowedAddresses: peer.allowedAddresses.optional() }),
]);
const patchBody = z.strictObject({
  kind: z.enum(['operator', 'peer']).optional(),
  ...z.object(common).partial().shape,
  ...z.object(operator).partial().shape,
  ...z.object(peer).partial().shape,
});

export function trunkRoutes(r: TelephonyResources): RouteDefinition[] {
  const target = targetFromParams('trunk');
  const snapshot = snapshotByKey((id: number) => r.trunks.get(id));
  return [
    defineRoute({
      id: 'telephony.trunks.list',
      method: 'GET',
      path: '/trunks',
      summary: 'List trunks (search in name, host, user name; filter by kind), paged; never their passwords',
      permission: 'telephony.read',
      input: { query: listQuery({ kind: z.enum(['operator', 'peer']).optional() }) },
      handler: ({ query }) => r.trunks.list(query),
    }),
    defineRoute({
      id: 'telephony.trunks.get',
      method: 'GET',
      path: '/trunks/:id',
      summary: 'One trunk, without its password',
      permission: 'telephony.read',
      input: { params: idParam, query: nothing },
      handler: ({ params }) => r.trunks.get(params.id),
    }),
    defineRoute({
      id: 'telephony.trunks.create',
      method: 'POST',
      path: '/trunks',
      summary: "Create a trunk: to an operator (its host and credentials), or for another IPBX (Carillon issues its credentials)",
      permission: 'telephony.manage',
      status: 201,
      input: { body: createBody },
      audit: { target: targetFromResult('trunk'), snapshot },
      handler: ({ body }) => r.trunks.create(body),
    }),
    defineRoute({
      id: 'telephony.trunks.update',
      method: 'PATCH',
      path: '/trunks/:id',
      summary: 'Change a trunk (fields of its own kind only)',
      permission: 'telephony.manage',
      input: { params: idParam, body: patchBody },
      audit: { target, snapshot },
      handler: ({ params, body }) => r.trunks.update(params.id, body),
    }),
    defineRoute({
      id: 'telephony.trunks.delete',
      method: 'DELETE',
      path: '/trunks/:id',
      summary: 'Delete a trunk no outbound route uses',
      permission: 'telephony.manage',
      input: { params: idParam },
      audit: { target, snapshot },
      handler: ({ params }) => r.trunks.remove(params.id),
    }),
    defineRoute({
      id: 'telephony.trunks.revealSecret',
      method: 'POST',
      path: '/trunks/:id/secret/reveal',
      summary: "Show a trunk's user name and password, e.g. to configure the other IPBX (audited)",
      permission: 'telephony.secrets',
      input: { params: idParam },
      audit: { target, snapshot },
      handler: ({ params }) => r.trunks.revealSecret(params.id),
    }),
    defineRoute({
      id: 'telephony.trunks.regenerateSecret',
      method: 'POST',
      path: '/trunks/:id/secret/regenerate',
      summary: 'Issue a new password to the IPBX behind a peer trunk',
      permission: 'telephony.manage',
      input: { params: idParam },
      audit: { target, snapshot },
      handler: ({ params }) => r.trunks.regenerateSecret(params.id),
    }),
  ];
}
