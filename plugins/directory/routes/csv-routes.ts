import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { defineRoute, sendStream, type PluginContext, type RouteDefinition, type RouteInput } from '../../../core/plugin-api';
import type { Context } from 'koa';
import type { DirectoryServices } from '../directory-services';
import { csvDownload, csvUpload, idParams, importIdParams, noBody, nothing } from '../schemas';
import type { CsvLanguage } from '../services/csv/columns';

function language(requested: CsvLanguage | undefined, identity: { user: { locale: string } } | null): CsvLanguage {
  return requested ?? (identity?.user.locale === 'en' ? 'en' : 'fr');
}

function asCsvDownload(koa: Context, fileName: string): void {
  koa.type = 'text/csv; charset=utf-8';
  koa.attachment(fileName);
}

export function csvRoutes(ctx: PluginContext, services: () => DirectoryServices): Array<RouteDefinition<RouteInput>> {
  return [
    defineRoute({
      id: 'csv.template', method: 'GET', path: '/template.csv', permission: 'directory.manage',
      summary: 'The CSV template: the header row and one example row (lang=fr|en, separator)',
      input: { query: csvDownload },
      handler: ({ query, identity, koa }) => {
        asCsvDownload(koa, 'annuaire-modele.csv');
        return services().exporter.template({ language: language(query.lang, identity), separator: query.separator });
      },
    }),
    defineRoute({
      id: 'csv.export', method: 'GET', path: '/export.csv', permission: 'directory.manage',
      summary: 'Every contact with its unique key, importable as is (lang=fr|en, separator)',
      input: { query: csvDownload },
      handler: async ({ query, identity, koa }) => {
        asCsvDownload(koa, `annuaire-${new Date().toISOString().slice(0, 10)}.csv`);
        const body = new PassThrough();
        // Streamed: the response starts before the last contact is read.
        services().exporter.write(body, { language: language(query.lang, identity), separator: query.separator }).catch((err: Error) => {
          ctx.logger.error({ err: { message: err.message } }, 'directory export failed');
          body.destroy(err);
        });
        await sendStream(koa, body);
      },
    }),
    defineRoute({
      id: 'imports.create', method: 'POST', path: '/imports', permission: 'directory.manage', status: 201,
      summary: 'Upload a CSV file (the raw body, text/csv) and get the plan: counts and each row’s errors. Nothing changes yet.',
      description: 'Encoding (utf-8, windows-1252, iso-8859-1) and separator (comma, semicolon, tab) are detected unless given.',
      input: { query: csvUpload },
      audit: { description: { en: 'Directory CSV file uploaded for import', fr: 'Fichier CSV envoyé pour import dans l’annuaire' } },
      handler: ({ query, identity, koa }) => services().imports.upload(koa.req, query, identity?.user.id ?? null),
    }),
    defineRoute({
      id: 'imports.get', method: 'GET', path: '/imports/:id', permission: 'directory.manage',
      summary: 'An import plan (or its outcome)',
      input: { params: importIdParams, query: nothing },
      handler: ({ params }) => services().imports.get(params.id),
    }),
    defineRoute({
      id: 'imports.apply', method: 'POST', path: '/imports/:id/apply', permission: 'directory.manage',
      summary: 'Apply a plan without errors, all or nothing, after an automatic backup',
      input: { params: importIdParams, body: noBody },
      audit: { description: { en: 'Directory CSV import applied', fr: 'Import CSV appliqué à l’annuaire' } },
      handler: ({ params, identity }) => services().imports.apply(params.id, identity?.user.id ?? null),
    }),
    defineRoute({
      id: 'backups.list', method: 'GET', path: '/backups', permission: 'directory.manage',
      summary: 'The last automatic backups, newest first',
      input: { query: nothing },
      handler: async () => ({ items: await services().backups.list() }),
    }),
    defineRoute({
      id: 'backups.download', method: 'GET', path: '/backups/:id/download', permission: 'directory.manage',
      summary: 'A backup as CSV (the export format)',
      input: { params: idParams, query: nothing },
      handler: async ({ params, koa }) => {
        const file = await services().backups.file(params.id);
        asCsvDownload(koa, `annuaire-sauvegarde-${params.id}.csv`);
        await sendStream(koa, fs.createReadStream(file));
      },
    }),
    defineRoute({
      id: 'backups.restore', method: 'POST', path: '/backups/:id/restore', permission: 'directory.manage',
      summary: 'Put the directory back as this backup has it, in one step (the current state is backed up first)',
      input: { params: idParams, body: noBody },
      audit: { description: { en: 'Directory restored from a backup', fr: 'Annuaire restauré depuis une sauvegarde' } },
      handler: ({ params, identity }) => services().imports.restore(params.id, identity?.user.id ?? null),
    }),
  ] as Array<RouteDefinition<RouteInput>>;
}
