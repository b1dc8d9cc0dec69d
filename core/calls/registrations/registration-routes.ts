import { defineRoute, type RouteDefinition } from '../../http/routes';
import type { RegistrationService } from './registration-service';

export function registrationRoutes(deps: { registrationService: RegistrationService }): RouteDefinition[] {
  return [
    defineRoute({
      id: 'telephony.registrations.list',
      method: 'GET',
      path: '/registrations',
      summary: "Each extension's registered SIP contacts: user agent, address, expiry",
      description: 'Live changes arrive over socket.io as `telephony.registrationChanged`.',
      permission: 'registrations.read',
      handler: async () => ({ items: await deps.registrationService.list() }),
    }),
  ];
}
