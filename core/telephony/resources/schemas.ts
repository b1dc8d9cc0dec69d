import { z } from 'zod';
import type { Codec } from '../config/snapshot';
import { checkDialPattern, EMERGENCY_NUMBERS, normaliseDialPattern } from './dial-patterns';
import type { StoredDestination } from './destination-types';
import { checkCidr } from './network';
import { codedPattern } from '../../http/field-codes';
import { pagination } from '../../http/schemas';

/** Input pieces shared by the telephony resource routes. */

export const CODECS: readonly Codec[] = ['alaw', 'ulaw', 'g722', 'opus', 'g729'];
export const codec = z.enum(CODECS as [Codec, ...Codec[]], { error: `unknown codec: one of ${CODECS.join(', ')}` });
/** Duplicates are dropped: the order is the preference order. */
export const codecList = z
  .array(codec)
  .min(1, 'at least one codec')
  .max(CODECS.length)
  .transform((list) => [...new Set(list)]);

export const nothing = z.strictObject({});

/** Call recording policy of an extension or a route. */
export const recordingPolicy = z.enum(['never', 'always', 'on_demand'], { error: 'one of never, always, on_demand' });

/** An internal number (extension, ring group): never starting with 0 (the outside line) nor an emergency number. */
export const internalNumber = z
  .string()
  .regex(codedPattern(/^[1-9][0-9]{1,7}$/, 'internal_number'), '2 to 8 digits, not starting with 0')
  .refine((n) => !EMERGENCY_NUMBERS.includes(n), { message: 'this is an emergency number', params: { code: 'emergency_number' } });

export const dialPattern = z
  .string()
  .superRefine((value, ctx) => {
    const problem = checkDialPattern(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `invalid dial pattern at character ${problem.at + 1}: ${problem.message}`, params: { code: 'invalid_dial_pattern', at: problem.at + 1 } });
  })
  .transform(normaliseDialPattern);

/** What a phone may dial as a forwarding target or present as caller ID. */
export const dialString = z.string().regex(codedPattern(/^\+?[0-9*#]{1,31}$/, 'dial_string'), 'digits, *, # and an optional leading +');

/** DIDs and caller IDs: national numbers normalised with the system's country (see core/http/phone-number.ts). */
export { e164 } from '../../http/phone-number';

export const cidr = z.string().superRefine((value, ctx) => {
  const problem = checkCidr(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const hostName = z
  .string()
  .max(255)
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\[?[0-9A-Fa-f:.]+\]?$/, 'a host name or an IP address');

export const sipUser = z.string().regex(codedPattern(/^[A-Za-z0-9._-]{2,64}$/, 'sip_user'), '2 to 64 letters, digits, ".", "_" or "-"');

export const applicationRoute = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'a route name: letters, digits, _ . : -');
const applicationArg = z.string().regex(/^[A-Za-z0-9_.:@+-]{0,64}$/, 'letters, digits and _ . : @ + - (no comma)');
const positiveId = z.number().int().positive();

export const destination: z.ZodType<StoredDestination> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('extension'), extensionId: positiveId }),
    z.strictObject({ type: z.literal('ringGroup'), ringGroupId: positiveId }),
    z.strictObject({ type: z.literal('voicemail'), extensionId: positiveId }),
    z.strictObject({ type: z.literal('hangup') }),
    z.strictObject({ type: z.literal('application'), route: applicationRoute, args: z.array(applicationArg).max(8).default([]) }),
    z.strictObject({ type: z.literal('schedule'), scheduleId: positiveId, open: destination, closed: destination }),
  ]),
);

export const listQuery = (extra: Record<string, z.ZodType> = {}) =>
  z.strictObject({
    search: z.string().trim().max(100).optional(),
    ...pagination,
    ...extra,
  });
