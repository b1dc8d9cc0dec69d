import fs from 'node:fs';
import { asFunction, type AwilixContainer } from 'awilix';
import { z } from 'zod';
import type { CoreCradle } from '../container';
import type { CoreModule } from '../core-module';
import { defineRoute } from '../http/routes';
import { sendStream } from '../http/stream-body';
import { ServerRestart } from '../server-restart';
import { initBackupRunModel } from './backup-run-model';
import { backupScheduleInput } from './backup-schedule';
import { BackupService } from './backup-service';

declare module '../container' {
  interface CoreCradle {
    backupService: BackupService;
    /** Set by the runner that started this Carillon (core/server-runner.ts). */
    serverRestart: ServerRestart;
  }
}

const backupName = z.strictObject({ name: z.string().regex(/^carillon-backup-[0-9A-Za-z.+-]+$/, 'a backup name').max(128) });
const uploadId = z.strictObject({ id: z.string().regex(/^[0-9a-f]{32}$/, 'an upload id') });
const restoreBody = z
  .strictObject({
    upload: z.string().regex(/^[0-9a-f]{32}$/, 'an upload id').optional(),
    backup: z.string().regex(/^carillon-backup-[0-9A-Za-z.+-]+$/, 'a backup name').max(128).optional(),
    // The confirm step: a restore replaces all of this Carillon's data.
    confirm: z.literal(true, { error: 'true: a restore replaces all data, and restarts Carillon' }),
  })
  .refine((b) => (b.upload === undefined) !== (b.backup === undefined), { message: 'give either upload or backup', path: ['upload'] });

function attachment(filename: string): string {
  return `attachment; filename="${filename.replace(/[^A-Za-z0-9._+-]/g, '_')}"`;
}

/** Backups from the web UI: download now, scheduled backups with retention, restore by upload. */
export const backupsModule: CoreModule = {
  name: 'backups',
  permissions: [
    {
      key: 'system.backup',
      description: {
        en: 'Download, schedule, delete and restore backups (a backup holds all data, the secret key included; a restore replaces everything)',
        fr: 'Télécharger, planifier, supprimer et restaurer les sauvegardes (une sauvegarde contient toutes les données, clé secrète comprise ; une restauration remplace tout)',
      },
      defaultRoles: [],
    },
  ],
  initModels: initBackupRunModel,
  register(container: AwilixContainer<CoreCradle>) {
    container.register({
      serverRestart: asFunction(() => new ServerRestart()).singleton(),
      backupService: asFunction(
        (c: CoreCradle) =>
          new BackupService({
            config: c.config,
            settings: c.settingsService,
            audit: c.auditService,
            logger: c.logger.child({ component: 'backups' }),
            restart: c.serverRestart,
            timeZone: async () => (await c.systemSettingsService.get()).timeZone,
          }),
      ).singleton(),
    });
  },
  routes(container) {
    const c = container.cradle;
    const service = () => c.backupService;
    return [
      {
        prefix: '/api/system/backups',
        routes: [
          defineRoute({
            id: 'system.backups.list',
            method: 'GET',
            path: '/',
            summary: 'Backups kept on this server, the schedule and its next run, the last run and the last restore',
            permission: 'system.backup',
            handler: () => service().overview(),
          }),
          defineRoute({
            id: 'system.backups.download',
            method: 'GET',
            path: '/download',
            summary: 'A full backup now (database, configuration, secret key, recordings, plugins), streamed as a .tar.gz while it is packed',
            permission: 'system.backup',
            handler: async ({ koa, identity, ip, requestId }) => {
              const { stream, name } = await service().download();
              // A GET is not audited by the route table; a download of everything is.
              await c.auditService.record({ userId: identity!.user.id, actor: identity!.user.email, action: 'system.backups.download', target: `backup:${name}`, method: 'GET', path: koa.path, status: 200, ip, requestId });
              koa.type = 'application/gzip';
              koa.set('Content-Disposition', attachment(name));
              koa.set('Cache-Control', 'no-store');
              await sendStream(koa, stream);
            },
          }),
          defineRoute({
            id: 'system.backups.run',
            method: 'POST',
            path: '/',
            summary: 'Take a backup now into the backups folder (kept until deleted; recordings added only if no kept backup holds them)',
            permission: 'system.backup',
            status: 201,
            input: { body: z.strictObject({}) },
            audit: { target: (_call, result) => `backup:${(result as { name?: string } | undefined)?.name ?? ''}` },
            handler: () => service().run('manual'),
          }),
          defineRoute({
            id: 'system.backups.schedule',
            method: 'PUT',
            path: '/schedule',
            summary: 'Scheduled backups: daily or weekly at a time of the system time zone, keeping the newest N',
            permission: 'system.backup',
            input: { body: backupScheduleInput },
            audit: { target: () => 'system:backup-schedule' },
            handler: ({ body }) => service().setSchedule(body),
          }),
          ...(['archive', 'recordings'] as const).map((part) =>
            defineRoute({
              id: `system.backups.${part}`,
              method: 'GET',
              path: `/:name/${part}`,
              summary: part === 'archive' ? "A kept backup's archive (database, configuration, plugins)" : 'The recordings set a kept backup added',
              permission: 'system.backup',
              input: { params: backupName },
              handler: async ({ params, koa, identity, ip, requestId }) => {
                const { file, filename } = service().file(params.name, part);
                await c.auditService.record({ userId: identity!.user.id, actor: identity!.user.email, action: `system.backups.${part}Download`, target: `backup:${params.name}`, method: 'GET', path: koa.path, status: 200, ip, requestId });
                koa.type = 'application/gzip';
                koa.length = fs.statSync(file).size;
                koa.set('Content-Disposition', attachment(filename));
                koa.set('Cache-Control', 'no-store');
                await sendStream(koa, fs.createReadStream(file));
              },
            }),
          ),
          defineRoute({
            id: 'system.backups.delete',
            method: 'DELETE',
            path: '/:name',
            summary: 'Delete a kept backup (its recordings set stays while a later backup needs it)',
            permission: 'system.backup',
            input: { params: backupName },
            audit: { target: ({ params }) => `backup:${(params as { name: string }).name}` },
            handler: ({ params }) => service().delete(params.name),
          }),
          defineRoute({
            id: 'system.backups.upload',
            method: 'POST',
            path: '/uploads',
            summary: 'Upload a backup archive to restore (the raw .tar.gz as the body, streamed to disk); checked as `carillon restore` does, nothing changed yet',
            permission: 'system.backup',
            status: 201,
            audit: { target: (_call, result) => `upload:${(result as { id?: string } | undefined)?.id ?? ''}` },
            handler: ({ koa, identity }) => service().upload(koa.req, identity!),
          }),
          defineRoute({
            id: 'system.backups.discardUpload',
            method: 'DELETE',
            path: '/uploads/:id',
            summary: 'Discard an uploaded backup without restoring it',
            permission: 'system.backup',
            input: { params: uploadId },
            audit: { target: ({ params }) => `upload:${(params as { id: string }).id}` },
            handler: ({ params }) => service().discardUpload(params.id),
          }),
          defineRoute({
            id: 'system.backups.restore',
            method: 'POST',
            path: '/restore',
            summary: 'Restore an uploaded or kept backup (confirm: true): checked again, then Carillon stops, replaces all its data and starts again',
            permission: 'system.backup',
            status: 202,
            input: { body: restoreBody },
            audit: { target: ({ body }) => `backup:${(body as { upload?: string; backup?: string }).upload ? `upload:${(body as { upload: string }).upload}` : `kept:${(body as { backup: string }).backup}`}` },
            handler: ({ body, identity, koa }) => service().restore(body, identity!, (fn) => koa.res.once('close', fn)),
          }),
        ],
      },
    ];
  },
  async start(container) {
    const c = container.cradle;
    await c.backupService.start();
    c.jobScheduler.schedule('core', { name: 'scheduled-backup', schedule: '* * * * *', run: async () => void (await c.backupService.runIfDue()) });
    c.jobScheduler.schedule('core', { name: 'purge-backup-runs', schedule: '41 4 * * *', run: () => c.backupService.purgeRuns() });
  },
};
