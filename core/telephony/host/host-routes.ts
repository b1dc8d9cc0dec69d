import net from 'node:net';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../http/routes';
import { cidr } from '../resources/schemas';
import type { AsteriskRestart } from './asterisk-restart';
import { JAILS, type SipBans } from './sip-bans';

const exemptionBody = z.strictObject({
  // null: the provisioning networks (provisioning.allowedNetworks); [] exempts nothing but loopback.
  networks: z.array(cidr).max(50).nullable(),
});
const banParams = z.strictObject({
  jail: z.enum(JAILS, { error: `one of ${JAILS.join(', ')}` }),
  address: z.string().refine((a) => net.isIP(a) !== 0, 'an IP address'),
});

/** Under /api/telephony: the Asterisk restart a transport change waits for, and the SIP bans. */
export function hostRoutes(restart: AsteriskRestart, bans: SipBans): RouteDefinition[] {
  return [
    defineRoute({
      id: 'telephony.asterisk.restartStatus',
      method: 'GET',
      path: '/asterisk/restart',
      summary: 'Whether a SIP transport change waits for an Asterisk restart, and whether Carillon can restart it',
      permission: 'telephony.read',
      handler: () => restart.status(),
    }),
    defineRoute({
      id: 'telephony.asterisk.restart',
      method: 'POST',
      path: '/asterisk/restart',
      summary: 'Restart Asterisk (ends every call in progress) so that SIP transport changes apply',
      permission: 'telephony.manage',
      input: { body: z.strictObject({}) },
      audit: { target: () => 'telephony:asterisk' },
      handler: () => restart.restart(),
    }),
    defineRoute({
      id: 'telephony.sipBans.list',
      method: 'GET',
      path: '/sip-bans',
      summary: 'Addresses fail2ban bans (SIP and web jails), and the networks exempt from the SIP ban',
      permission: 'telephony.read',
      handler: () => bans.view(),
    }),
    defineRoute({
      id: 'telephony.sipBans.exemption',
      method: 'PUT',
      path: '/sip-bans/exemption',
      summary: 'Choose the networks the SIP ban never bans (null: the provisioning networks)',
      permission: 'telephony.manage',
      input: { body: exemptionBody },
      audit: { target: () => 'telephony:sip-ban-exemption' },
      handler: ({ body }) => bans.setExemption(body.networks),
    }),
    defineRoute({
      id: 'telephony.sipBans.details',
      method: 'GET',
      path: '/sip-bans/:jail/:address',
      summary: "Why an address is banned: times banned, failures, the log lines that counted (from fail2ban's database)",
      permission: 'telephony.read',
      input: { params: banParams },
      handler: ({ params }) => bans.details(params.jail, params.address),
    }),
    defineRoute({
      id: 'telephony.sipBans.unban',
      method: 'DELETE',
      path: '/sip-bans/:jail/:address',
      summary: 'Lift a ban',
      permission: 'telephony.manage',
      input: { params: banParams },
      audit: { target: ({ params }) => `fail2ban:${(params as { jail: string }).jail}:${(params as { address: string }).address}` },
      handler: async ({ params }) => {
        await bans.unban(params.jail, params.address);
      },
    }),
  ];
}
