import { z } from 'zod';
import type { Identity } from '../../auth/authenticator';
import { HttpError } from '../../http/problem';
import { defineRoute, type RouteDefinition } from '../../http/routes';
import type { ClickToCallService } from './click-to-call-service';
import type { ClickToCall, ClickToCallView } from './click-to-call-session';

const callBody = z
  .strictObject({
    number: z.string().trim().min(1).max(40),
    /** Needs `telephony.callerid.override`. */
    callerId: z.string().trim().min(2).max(32).optional(),
    /** Call from this user's extension (someone else's needs `telephony.manage`); default: one's own. */
    userId: z.number().int().positive().optional(),
    /** Or from this extension, by number. */
    extension: z.string().regex(/^[1-9][0-9]{1,7}$/, '2 to 8 digits, not starting with 0').optional(),
  })
  .refine((body) => body.userId === undefined || body.extension === undefined, { message: 'give userId or extension, not both', path: ['extension'] });

const view = z.object({
  id: z.string(),
  status: z.enum(['ringing_agent', 'agent_answered', 'dialing', 'connected', 'ended']),
  outcome: z.enum(['agent_no_answer', 'agent_busy', 'callee_busy', 'callee_no_answer', 'failed', 'cancelled', 'completed']).nullable(),
  reason: z.string().nullable(),
  extension: z.string(),
  userId: z.number().nullable(),
  requestedBy: z.number().nullable(),
  number: z.string(),
  callerIdOverride: z.string().nullable(),
  agentChannelId: z.string(),
  calleeChannelId: z.string().nullable(),
  startedAt: z.string(),
  connectedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  at: z.string(),
});

/** The caller, the extension's user, and whoever reads every call may follow a call. */
function visibleTo(call: ClickToCall, identity: Identity): ClickToCallView {
  const { current } = call;
  if (identity.permissions.has('calls.read') || current.userId === identity.user.id || current.requestedBy === identity.user.id) return current;
  throw HttpError.forbidden('calls.read');
}

export function clickToCallRoutes(service: ClickToCallService): RouteDefinition[] {
  return [
    defineRoute({
      id: 'telephony.clickToCall.create',
      method: 'POST',
      path: '/click-to-call',
      summary: "Ring the user's extension, then dial a number through the outbound routes",
      description:
        "Rings one's own extension (another user's needs `telephony.manage`), showing the number; once answered, dials it as that extension would and bridges both. A `callerId` needs `telephony.callerid.override`. Refusals: `number_invalid`, `callerid_invalid` (422), `no_extension`, `extension_unregistered` (409), `extension_not_found` (404), `forbidden`, `callerid_forbidden`, `number_restricted` (403), `telephony_unavailable` (503), `originate_failed` (502). Follow it with `GET /api/telephony/click-to-call/:id` or the `telephony.clickToCall` event.",
      // Rings the caller's own phone and places a call on its line: an API token needs it granted.
      permission: 'account.calls',
      input: { body: callBody },
      output: view,
      status: 201,
      // A refused call has no id: its audit line names the number instead.
      audit: { target: (call, result) => (result ? `click-to-call:${(result as ClickToCallView).id}` : `click-to-call:${(call.body as { number?: string } | undefined)?.number ?? ''}`) },
      handler: async ({ body, identity }) => {
        const requestedBy = { userId: identity!.user.id, permissions: identity!.permissions };
        const from = body.extension !== undefined ? { extensionNumber: body.extension } : { userId: body.userId ?? identity!.user.id };
        return (await service.call({ ...from, number: body.number, callerId: body.callerId, requestedBy })).current;
      },
    }),
    defineRoute({
      id: 'telephony.clickToCall.get',
      method: 'GET',
      path: '/click-to-call/:id',
      summary: 'Where a click-to-call stands (kept an hour after it ended)',
      permission: 'authenticated',
      input: { params: z.object({ id: z.uuid() }) },
      output: view,
      handler: ({ params, identity }) => {
        const call = service.get(params.id);
        if (!call) throw HttpError.notFound('click-to-call', `No click-to-call ${params.id} (ended ones are kept an hour).`);
        return visibleTo(call, identity!);
      },
    }),
  ];
}
