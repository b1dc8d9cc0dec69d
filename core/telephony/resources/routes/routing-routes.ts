import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../../http/routes';
import type { TelephonyResources } from '../resources';
import { destination, dialPattern, e164, recordingPolicy } from '../schemas';
import { crud } from './crud-routes';

const uniqueIds = (what: string) =>
  z
    .array(z.number().int().positive())
    .refine((ids) => new Set(ids).size === ids.length, `each ${what} at most once`);

const inboundFields = {
  name: z.string().trim().max(120),
  did: e164.nullable(),
  callerPattern: dialPattern.nullable(),
  destination,
  recording: recordingPolicy,
};
const outboundFields = {
  name: z.string().trim().min(1).max(120),
  priority: z.number().int().min(0).max(9999),
  patterns: z.array(dialPattern).min(1).max(50),
  stripDigits: z.number().int().min(0).max(20),
  prepend: z.string().regex(/^[0-9*#+]{0,20}$/, 'up to 20 digits, *, # or +'),
  trunkIds: uniqueIds('trunk').min(1, 'at least one trunk').max(10),
  recording: recordingPolicy,
};
const classFields = {
  name: z.string().regex(/^[a-z][a-z0-9_-]{1,63}$/, 'lower-case letters, digits, - and _ (2 to 64 characters)'),
  description: z.string().max(255),
  deniedPatterns: z.array(dialPattern).max(100),
};


export function routingRoutes(r: TelephonyResources): RouteDefinition[] {
  return [
    ...crud({
      key: 'inboundRoutes',
      path: '/inbound-routes',
      noun: 'inbound route',
      kind: 'inboundRoute',
      service: () => r.inboundRoutes,
      listSummary: 'List inbound routes (search in DID and name), paged',
      deleteSummary: 'Delete an inbound route',
      create: z.strictObject({ ...inboundFields, name: inboundFields.name.optional(), callerPattern: inboundFields.callerPattern.optional(), recording: recordingPolicy.optional() }),
      update: z.strictObject(z.object(inboundFields).partial().shape),
    }),
    ...crud({
      key: 'outboundRoutes',
      path: '/outbound-routes',
      noun: 'outbound route',
      kind: 'outboundRoute',
      service: () => r.outboundRoutes,
      listSummary: 'List outbound routes in evaluation order (search in name), paged',
      deleteSummary: 'Delete an outbound route',
      create: z.strictObject({
        ...outboundFields,
        priority: outboundFields.priority.optional(),
        stripDigits: outboundFields.stripDigits.optional(),
        prepend: outboundFields.prepend.optional(),
        recording: recordingPolicy.optional(),
      }),
      update: z.strictObject(z.object(outboundFields).partial().shape),
    }),
    ...crud({
      key: 'restrictionClasses',
      path: '/restriction-classes',
      noun: 'restriction class',
      kind: 'restrictionClass',
      service: () => r.restrictionClasses,
      listSummary: 'List restriction classes (search in name and description), paged',
      deleteSummary: 'Delete a restriction class no extension uses',
      create: z.strictObject({ ...classFields, description: classFields.description.optional(), deniedPatterns: classFields.deniedPatterns.optional() }),
      update: z.strictObject(z.object(classFields).partial().shape),
    }),
    defineRoute({
      id: 'telephony.callDestinations.list',
      method: 'GET',
      path: '/call-destinations',
      summary: 'Application destinations core and running plugins offer to inbound routes',
      permission: 'telephony.read',
      handler: () => ({ items: r.callDestinations.list() }),
    }),
  ];
}
