import { asFunction, type AwilixContainer } from 'awilix';
import type { CoreCradle } from '../../container';
import type { CoreModule } from '../../core-module';
import { fail2banDir } from '../config/config-paths';
import { AsteriskRestart } from './asterisk-restart';
import { hostRoutes } from './host-routes';
import { PrivilegedHelper } from './privileged-helper';
import { SipBans } from './sip-bans';

declare module '../../container' {
  interface CoreCradle {
    /** The appliance's root helper (restart Asterisk, fail2ban bans), when installed. */
    privilegedHelper: PrivilegedHelper;
    asteriskRestart: AsteriskRestart;
    sipBans: SipBans;
  }
}

/** What Carillon asks of the machine Asterisk runs on: its restart, and the SIP ban (fail2ban). */
export const telephonyHostModule: CoreModule = {
  name: 'telephony-host',
  register(container: AwilixContainer<CoreCradle>) {
    container.register({
      privilegedHelper: asFunction((c: CoreCradle) => new PrivilegedHelper(c.config.telephony.helperSocket)).singleton(),
      asteriskRestart: asFunction((c: CoreCradle) => new AsteriskRestart(c.telephonyTransportRestart, c.privilegedHelper)).singleton(),
      sipBans: asFunction(
        (c: CoreCradle) =>
          new SipBans({
            settings: c.settingsService,
            helper: c.privilegedHelper,
            provisioningNetworks: c.config.provisioning.allowedNetworks,
            dir: fail2banDir(c.config),
            logger: c.logger.child({ component: 'sip-bans' }),
          }),
      ).singleton(),
    });
  },
  routes(container: AwilixContainer<CoreCradle>) {
    return [{ prefix: '/api/telephony', routes: hostRoutes(container.cradle.asteriskRestart, container.cradle.sipBans) }];
  },
  async start(container) {
    // The jail file follows the settings (and provisioning.allowedNetworks, a configuration key) at every start.
    await container.cradle.sipBans.writeJailFile().catch((err: unknown) => container.cradle.logger.warn({ err }, 'cannot write the SIP jail file for fail2ban'));
  },
};
