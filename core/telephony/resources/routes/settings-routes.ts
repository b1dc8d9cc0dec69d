import net from 'node:net';
import { z } from 'zod';
import { snapshotOf } from '../../../audit/snapshots';
import { defineRoute, type RouteDefinition } from '../../../http/routes';
import type { TelephonyResources } from '../resources';
import { cidr, hostName } from '../schemas';

const port = z.number().int().min(1).max(65535);
const settingsBody = z.strictObject({
  g729Available: z.boolean().optional(),
  transports: z
    .strictObject({
      udpPort: port,
      tcpPort: port,
      wssEnabled: z.boolean(),
      // null: not chosen yet, and no SIP transport is generated (Asterisk keeps its first bind until it restarts).
      bindAddress: z
        .string()
        .refine((value) => net.isIP(value) !== 0, 'an IP address of this machine, or 0.0.0.0 for all of them')
        .nullable(),
      externalAddress: hostName.nullable(),
      localNetworks: z.array(cidr).max(50),
    })
    .partial()
    .optional(),
});

export function settingsRoutes(r: TelephonyResources): RouteDefinition[] {
  return [
    defineRoute({
      id: 'telephony.settings.get',
      method: 'GET',
      path: '/settings',
      summary: 'Telephony settings: SIP transports, G.729 availability',
      permission: 'telephony.read',
      handler: () => r.settings.view(),
    }),
    defineRoute({
      id: 'telephony.settings.update',
      method: 'PATCH',
      path: '/settings',
      summary: 'Change telephony settings',
      permission: 'telephony.manage',
      input: { body: settingsBody },
      audit: { target: () => 'telephony:settings', snapshot: snapshotOf(() => r.settings.view()) },
      handler: ({ body }) => r.settings.update(body),
    }),
  ];
}
