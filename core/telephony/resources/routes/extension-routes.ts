import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../../http/routes';
import { snapshotByKey } from '../../../audit/snapshots';
import { email, idParam } from '../../../http/schemas';
import type { TelephonyResources } from '../resources';
import { codecList, dialString, e164, internalNumber, listQuery, nothing, sipUser } from '../schemas';
import { extensionAccount } from '../softphone-account';
import { targetFromParams, targetFromResult } from './route-helpers';

export const extensionFields = {
  name: z.string().trim().min(1).max(80),
  userId: z.number().int().positive().nullable(),
  sipUsername: sipUser,
  codecs: codecList,
  maxContacts: z.number().int().min(1).max(10),
  webrtc: z.boolean(),
  voicemail: z.strictObject({ enabled: z.boolean().optional(), email: email.nullable().optional() }),
  recording: z.enum(['never', 'always', 'on_demand']),
  restrictionClass: z.string().min(1).max(64),
  outboundCallerId: e164.nullable(),
  doNotDisturb: z.boolean(),
  forwarding: z.strictObject({
    unconditional: dialString.nullable().optional(),
    busy: dialString.nullable().optional(),
    noAnswer: dialString.nullable().optional(),
    noAnswerSeconds: z.number().int().min(5).max(300).optional(),
  }),
};
const fields = extensionFields;
const optional = z.object(fields).partial().shape;
/**
 * What creating one extension accepts: the form's POST body, and each row of a bulk creation or
 * a CSV import, so all three refuse exactly the same things.
 */
export const extensionCreateBody = z.strictObject({ number: internalNumber, ...optional, name: fields.name });

/** `phoneHost`: the address phones reach Carillon at when configured (`provisioning.serverHost`). */
export function extensionRoutes(r: TelephonyResources, options: { phoneHost: string | null } = { phoneHost: null }): RouteDefinition[] {
  const target = targetFromParams('extension');
  const snapshot = snapshotByKey((id: number) => r.extensions.get(id));
  return [
    defineRoute({
      id: 'telephony.extensions.list',
      method: 'GET',
      path: '/extensions',
      summary: 'List extensions (search in number, name, SIP user name), paged; never their secrets',
      permission: 'telephony.read',
      input: { query: listQuery() },
      handler: ({ query }) => r.extensions.list(query),
    }),
    defineRoute({
      id: 'telephony.extensions.get',
      method: 'GET',
      path: '/extensions/:id',
      summary: 'One extension, without its SIP secret',
      permission: 'telephony.read',
      input: { params: idParam, query: nothing },
      handler: ({ params }) => r.extensions.get(params.id),
    }),
    defineRoute({
      id: 'telephony.extensions.create',
      method: 'POST',
      path: '/extensions',
      summary: 'Create an extension; Carillon generates its SIP secret (SIP user name defaults to the number)',
      permission: 'telephony.manage',
      status: 201,
      input: { body: extensionCreateBody },
      audit: { target: targetFromResult('extension'), snapshot },
      handler: ({ body }) => r.extensions.create(body),
    }),
    defineRoute({
      id: 'telephony.extensions.update',
      method: 'PATCH',
      path: '/extensions/:id',
      summary: 'Change an extension',
      permission: 'telephony.manage',
      input: { params: idParam, body: z.strictObject({ number: internalNumber.optional(), ...optional }) },
      audit: { target, snapshot },
      handler: ({ params, body }) => r.extensions.update(params.id, body),
    }),
    defineRoute({
      id: 'telephony.extensions.delete',
      method: 'DELETE',
      path: '/extensions/:id',
      summary: 'Delete an extension that no ring group or route uses',
      permission: 'telephony.manage',
      input: { params: idParam },
      audit: { target, snapshot },
      handler: ({ params }) => r.extensions.remove(params.id),
    }),
    defineRoute({
      id: 'telephony.extensions.revealSecret',
      method: 'POST',
      path: '/extensions/:id/sip-secret/reveal',
      summary: "Show an extension's SIP account to set up a phone or softphone (audited): server, port, transport, user name, password, and a QR code Grandstream Wave scans",
      permission: 'telephony.secrets',
      input: { params: idParam },
      audit: { target, snapshot },
      handler: async ({ params, koa }) => {
        const secret = await r.extensions.revealSecret(params.id);
        const sources = {
          extension: async (id: number) => ({ ...(await r.extensions.get(id)), sipPassword: secret.sipPassword }),
          transports: () => r.settings.transports(),
        };
        return { ...secret, account: await extensionAccount(sources, params.id, { phoneHost: options.phoneHost, requestHost: koa.hostname }) };
      },
    }),
    defineRoute({
      id: 'telephony.extensions.regenerateSecret',
      method: 'POST',
      path: '/extensions/:id/sip-secret/regenerate',
      summary: 'Give an extension a new SIP password (its phones must be set up again)',
      permission: 'telephony.manage',
      input: { params: idParam },
      audit: { target, snapshot },
      handler: ({ params }) => r.extensions.regenerateSecret(params.id),
    }),
  ];
}
