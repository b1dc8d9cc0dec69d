import { asFunction, type AwilixContainer } from 'awilix';
import type { CoreCradle } from '../container';
import type { CoreModule } from '../core-module';
import { AUTHENTICATED } from '../auth/permissions';
import { defineRoute } from '../http/routes';
import { SecurityOverviewService } from './security-overview';

declare module '../container' {
  interface CoreCradle {
    securityOverview: SecurityOverviewService;
  }
}

/** The "Bans and lockouts" page's data: fail2ban, provisioning bans, locked accounts. */
export const securityModule: CoreModule = {
  name: 'security',
  register(container: AwilixContainer<CoreCradle>) {
    container.register({
      securityOverview: asFunction((c: CoreCradle) => new SecurityOverviewService(c.sipBans, c.provisioningBans)).singleton(),
    });
  },
  routes(container) {
    const c = container.cradle;
    return [
      {
        prefix: '/api/system',
        routes: [
          defineRoute({
            id: 'system.security',
            method: 'GET',
            path: '/security',
            summary: 'Who is kept out: fail2ban bans (telephony.read), provisioning bans (provisioning.read), locked accounts (users.read); each part null without its permission',
            permission: AUTHENTICATED,
            handler: ({ identity }) => c.securityOverview.forUser(identity!),
          }),
        ],
      },
    ];
  },
};
