import path from 'node:path';
import { asFunction, type AwilixContainer } from 'awilix';
import type { CoreCradle } from '../container';
import type { CoreModule } from '../core-module';
import { CallerNameLookup } from './caller-name-lookup';
import { CallLogQuery } from './call-log-query';
import { CallLogService } from './call-log-service';
import { initCallModels } from './call-models';
import { callRoutes } from './call-routes';
import { CdrIngestor } from './cdr-ingestor';
import { CelIngestor } from './cel-ingestor';
import { ExtensionLookup } from './extension-directory';
import { LiveCallCollector } from './live-call-collector';
import { RecordingService } from './recordings/recording-service';
import { AriRegistrarReader } from './registrations/ari-registrar-reader';
import { registrationRoutes } from './registrations/registration-routes';
import { REGISTRATION_CHANGED, RegistrationService } from './registrations/registration-service';

declare module '../container' {
  interface CoreCradle {
    callerNameLookup: CallerNameLookup;
    callLogService: CallLogService;
    callLogQuery: CallLogQuery;
    liveCallCollector: LiveCallCollector;
    cdrIngestor: CdrIngestor;
    celIngestor: CelIngestor;
    recordingService: RecordingService;
    extensionLookup: ExtensionLookup;
    registrationService: RegistrationService;
  }
}

const CDR_POLL_MS = 5000;
const SPOOL_POLL_MS = 10_000;

/** The call log (live events + Asterisk's CDR file), recordings, and the SIP registrations view. */
export const callsModule: CoreModule = {
  name: 'calls',
  permissions: [
    { key: 'calls.read', description: { en: 'See the call log of every extension and export it', fr: 'Voir le journal des appels de tous les postes et l’exporter' }, defaultRoles: ['manager', 'supervisor', 'technician'] },
    { key: 'calls.read.own', description: { en: 'See the call log of the extensions linked to oneself', fr: 'Voir le journal des appels de ses propres postes' }, defaultRoles: ['agent'] },
    { key: 'recordings.listen', description: { en: 'Listen to and download call recordings', fr: 'Écouter et télécharger les enregistrements d’appels' }, defaultRoles: ['manager', 'supervisor'] },
    { key: 'recordings.manage', description: { en: 'Set how long call recordings are kept', fr: 'Choisir la durée de conservation des enregistrements' }, defaultRoles: ['manager'] },
    { key: 'registrations.read', description: { en: "See extensions' SIP registrations (contacts, user agents, addresses)", fr: 'Voir les enregistrements SIP des postes (contacts, téléphones, adresses)' }, defaultRoles: ['technician', 'supervisor'] },
  ],
  events: [{ name: REGISTRATION_CHANGED, permission: 'registrations.read', description: "An extension's SIP contacts changed (registered, unregistered, reachable…)" }],
  initModels: initCallModels,
  register(container: AwilixContainer<CoreCradle>) {
    container.register({
      callerNameLookup: asFunction((c: CoreCradle) => new CallerNameLookup(c.collections, c.logger)).singleton(),
      callLogService: asFunction((c: CoreCradle) => new CallLogService(c.sequelize, c.callerNameLookup)).singleton(),
      callLogQuery: asFunction((c: CoreCradle) => new CallLogQuery(c.extensionLookup)).singleton(),
      liveCallCollector: asFunction((c: CoreCradle) => new LiveCallCollector(c.telephony, c.callLogService, c.logger.child({ component: 'call-log' }))).singleton(),
      cdrIngestor: asFunction((c: CoreCradle) => new CdrIngestor(c.config.telephony.cdrFile, c.settingsService, c.callLogService, c.logger.child({ component: 'cdr' }))).singleton(),
      celIngestor: asFunction((c: CoreCradle) => new CelIngestor(c.config.telephony.celFile, c.settingsService, c.callLogService, c.extensionLookup, c.logger.child({ component: 'cel' }))).singleton(),
      recordingService: asFunction(
        (c: CoreCradle) =>
          new RecordingService(
            c.config.telephony.recordingsSpoolDir ?? path.join(c.config.resolved.dataDir, 'recordings-spool'),
            path.join(c.config.resolved.dataDir, 'recordings'),
            c.settingsService,
            c.logger.child({ component: 'recordings' }),
          ),
      ).singleton(),
      extensionLookup: asFunction((c: CoreCradle) => new ExtensionLookup(c.collections)).singleton(),
      registrationService: asFunction(
        (c: CoreCradle) => new RegistrationService(new AriRegistrarReader(c.config), c.extensionLookup, c.telephony, c.events, c.config.telephony.ari.app, c.logger.child({ component: 'registrations' })),
      ).singleton(),
    });
  },
  routes(container) {
    const c = container.cradle;
    return [
      { prefix: '/api/calls', routes: callRoutes(c) },
      { prefix: '/api/telephony', routes: registrationRoutes(c) },
    ];
  },
  start(container) {
    const c = container.cradle;
    c.liveCallCollector.start();
    c.registrationService.start();
    // Calls made while Carillon was stopped: caught up in the background, then followed.
    const lastFailure = { cdr: '', cel: '' };
    const read = async (kind: 'cdr' | 'cel', poll: () => Promise<number>, file: string) => {
      try {
        await poll();
        lastFailure[kind] = '';
      } catch (err) {
        // Said once per distinct failure (an unreadable file would otherwise fill the log every few seconds).
        const message = (err as Error).message;
        if (message !== lastFailure[kind]) c.logger.error({ err, file }, `cannot read the ${kind.toUpperCase()} file`);
        lastFailure[kind] = message;
      }
    };
    const ingest = async () => {
      await read('cdr', () => c.cdrIngestor.poll(), c.config.telephony.cdrFile);
      await read('cel', () => c.celIngestor.poll(), c.config.telephony.celFile);
    };
    void ingest();
    c.jobScheduler.schedule('core', { name: 'calls-read-cdr', schedule: { everyMs: CDR_POLL_MS }, run: ingest });
    c.jobScheduler.schedule('core', { name: 'calls-collect-recordings', schedule: { everyMs: SPOOL_POLL_MS }, run: async () => void (await c.recordingService.collect()) });
    c.jobScheduler.schedule('core', { name: 'calls-purge-recordings', schedule: '40 3 * * *', run: async () => void (await c.recordingService.purgeExpired()) });
  },
  async stop(container) {
    const c = container.cradle;
    c.registrationService.stop();
    await c.liveCallCollector.stop();
    // Reading stops at the next line and its position is saved: a backlog resumes at the next start.
    await Promise.all([c.cdrIngestor.stop(), c.celIngestor.stop()]);
  },
};
