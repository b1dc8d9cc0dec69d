import { asFunction, type AwilixContainer } from 'awilix';
import type { CoreCradle } from '../../container';
import type { CoreModule } from '../../core-module';
import { ConfigPush } from './config-push';
import { generatedConfigDir, recordingsSpoolDir } from './config-paths';
import { TelephonyConfigWriter, type TelephonyConfigSource } from './config-writer';
import { emptySnapshot } from './empty-snapshot';
import { TransportRestartTracker } from './transport-restart';

declare module '../../container' {
  interface CoreCradle {
    /** Writes Asterisk's generated configuration and reloads what changed. */
    telephonyConfigWriter: TelephonyConfigWriter;
    telephonyConfigPush: ConfigPush;
    /** A SIP transport change that waits for an Asterisk restart. */
    telephonyTransportRestart: TransportRestartTracker;
  }
}

/** Asterisk configuration generation: files from the telephony resources, pushed on every change and (re)connection. */
export const telephonyConfigModule: CoreModule = {
  name: 'telephony-config',
  register(container: AwilixContainer<CoreCradle>) {
    container.register({
      telephonyConfigWriter: asFunction(
        (c: CoreCradle) =>
          new TelephonyConfigWriter({
            configDir: generatedConfigDir(c.config),
            recordingsSpool: recordingsSpoolDir(c.config),
            // Looked up at each run: the resources register it, but Carillon must start without them.
            source: () => (container.hasRegistration('telephonyConfigSource') ? container.resolve<TelephonyConfigSource>('telephonyConfigSource') : null),
            emptySnapshot: () => emptySnapshot(c.config.telephony.ari.app),
            telephony: c.telephony,
            logger: c.logger.child({ component: 'asterisk-config' }),
            transportRestart: c.telephonyTransportRestart,
          }),
      ).singleton(),
      telephonyTransportRestart: asFunction(
        (c: CoreCradle) =>
          new TransportRestartTracker(generatedConfigDir(c.config), async () => (c.telephony.connected ? ((await c.telephony.rest().asteriskInfo()).status?.startup_time ?? null) : null)),
      ).singleton(),
      telephonyConfigPush: asFunction((c: CoreCradle) => new ConfigPush(c.telephonyConfigWriter, c.events, c.telephony, c.logger.child({ component: 'asterisk-config' }))).singleton(),
    });
  },
  start(container) {
    container.cradle.telephonyConfigPush.start();
  },
  async stop(container) {
    await container.cradle.telephonyConfigPush.stop();
  },
};
