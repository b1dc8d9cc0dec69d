import { asFunction, type AwilixContainer } from 'awilix';
import type { CoreCradle } from '../../container';
import type { CoreModule } from '../../core-module';
import { clickToCallRoutes } from './click-to-call-routes';
import { CALLER_ID_OVERRIDE, CLICK_TO_CALL_EVENT, ClickToCallService } from './click-to-call-service';

declare module '../../container' {
  interface CoreCradle {
    /** Ring a user's extension, then dial a number through the outbound routes: `clickToCall.call({ userId, number })`. */
    clickToCall: ClickToCallService;
  }
}

/** Click-to-call: the core service plugins build on, and its API under /api/telephony. */
export const clickToCallModule: CoreModule = {
  name: 'click-to-call',
  permissions: [{ key: CALLER_ID_OVERRIDE, description: { en: 'Choose the caller ID a click-to-call shows to the called number', fr: 'Choisir le numéro présenté à l’appelé lors d’un appel lancé depuis l’interface' }, defaultRoles: ['manager'] }],
  events: [
    {
      name: CLICK_TO_CALL_EVENT,
      // socket.io delivers an event by one permission, not per user: browsers of `calls.read`
      // holders get every status; a caller follows their own call with GET /click-to-call/:id.
      permission: 'calls.read',
      description: 'A click-to-call changed status (ringing_agent, agent_answered, dialing, connected, ended with its outcome)',
    },
  ],
  register(container: AwilixContainer<CoreCradle>) {
    container.register({
      clickToCall: asFunction(
        (c: CoreCradle) =>
          new ClickToCallService({
            telephony: c.telephony,
            telephonyResources: c.telephonyResources,
            events: c.events,
            roleService: c.roleService,
            callerNameLookup: c.callerNameLookup,
            logger: c.logger.child({ component: 'click-to-call' }),
          }),
      ).singleton(),
    });
  },
  routes: (container) => [{ prefix: '/api/telephony', routes: clickToCallRoutes(container.cradle.clickToCall) }],
  start(container) {
    container.cradle.clickToCall.start();
  },
  stop(container) {
    container.cradle.clickToCall.stop();
  },
};
