import net from 'node:net';
import { z } from 'zod';
import { HttpError } from '../../core/http/problem';
import { defineRoute, type RouteDefinition } from '../../core/http/routes';
import type { BanList } from '../security/ban-list';

const address = z.strictObject({ address: z.string().max(45).refine((a) => net.isIP(a) !== 0, 'an IP address') });

/** Under /api/provisioning: the addresses the provisioning service refuses, and lifting a ban. */
export function banRoutes(bans: BanList): RouteDefinition[] {
  return [
    defineRoute({
      id: 'provisioning.bans.list',
      method: 'GET',
      path: '/bans',
      summary: 'Addresses the provisioning service refuses (too many unknown MACs, wrong credentials or paths), why and until when',
      permission: 'provisioning.read',
      handler: async () => ({ items: await bans.list() }),
    }),
    defineRoute({
      id: 'provisioning.bans.lift',
      method: 'DELETE',
      path: '/bans/:address',
      summary: "Lift a provisioning ban (fail2ban's own ban of the address, if any, is lifted in the fail2ban list)",
      permission: 'provisioning.manage',
      input: { params: address },
      audit: { target: ({ params }) => `provisioning-ban:${(params as { address: string }).address}` },
      handler: async ({ params }) => {
        if (!(await bans.lift(params.address))) throw HttpError.notFound('ban', `${params.address} is not banned from provisioning.`);
      },
    }),
  ];
}
