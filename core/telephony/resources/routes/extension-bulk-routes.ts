import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../../http/routes';
import { HttpError } from '../../../http/problem';
import { foldHeader, matchColumns } from '../../../imports/columns';
import { CsvFileError } from '../../../imports/csv-errors';
import { CSV_ENCODINGS, CSV_SEPARATORS, type CsvFormatChoice, type CsvSeparator } from '../../../imports/csv-format';
import { readCsvTable } from '../../../imports/csv-table';
import { readUpload } from '../../../imports/upload';
import { MAX_BATCH, type BatchRow, type ExtensionBulkService } from '../extension-bulk-service';
import { EXTENSION_COLUMNS, extensionsCsv, rowToBody, SECRET_HEADERS } from '../extension-csv';
import { internalNumber } from '../schemas';
import { extensionFields } from './extension-routes';

/** An extensions CSV of 1000 rows is about 150 kB: 1 MB leaves room and still refuses a wrong file early. */
const MAX_UPLOAD_BYTES = 1024 * 1024;

const separator = z.enum(Object.keys(CSV_SEPARATORS) as [CsvSeparator, ...CsvSeparator[]]);

/** What every extension of a range shares; number, name, SIP user name and user are per extension. */
const rangeTemplate = z.strictObject({
  codecs: extensionFields.codecs.optional(),
  maxContacts: extensionFields.maxContacts.optional(),
  webrtc: extensionFields.webrtc.optional(),
  voicemail: extensionFields.voicemail.optional(),
  recording: extensionFields.recording.optional(),
  restrictionClass: extensionFields.restrictionClass.optional(),
});

const rangeBody = z.strictObject({
  from: internalNumber,
  to: internalNumber,
  names: z.array(z.string().trim().max(80)).max(MAX_BATCH).default([]),
  template: rangeTemplate.default({}),
});

/** "100 to 149" and the pasted names → one row per number, the n-th name to the n-th number. */
export function rangeRows(body: z.infer<typeof rangeBody>): BatchRow[] {
  const from = Number(body.from);
  const to = Number(body.to);
  if (to < from) throw HttpError.validation([{ field: 'body.to', code: 'range_inverted', message: `The range ends (${body.to}) before it starts (${body.from}).` }]);
  const count = to - from + 1;
  if (count > MAX_BATCH) throw HttpError.validation([{ field: 'body.to', code: 'range_too_large', message: `At most ${MAX_BATCH} extensions at once (${body.from} to ${body.to} is ${count}).` }]);
  const names = body.names.filter((n) => n !== '');
  if (names.length > count) throw HttpError.validation([{ field: 'body.names', code: 'too_many_names', message: `${names.length} names for ${count} numbers (${body.from} to ${body.to}): remove ${names.length - count} names or widen the range.` }]);
  return Array.from({ length: count }, (_, i) => {
    const number = String(from + i);
    // A number without a name of its own is named after itself, as a phone shows it.
    return { row: i + 1, body: { number, name: names[i] ?? number, ...body.template } };
  });
}

const IMPORT_RULES =
  'The same checks as creating one extension; a number already used, a bad row or a row repeating another refuses the whole file with every row and its reasons. UTF-8 or Windows-1252 (ISO-8859-1 when chosen), comma, semicolon or tab (detected unless `encoding` or `separator` is given). A password column is refused: passwords are generated.';
const importQuery = z.strictObject({ encoding: z.enum(CSV_ENCODINGS).optional(), separator: separator.optional() });

/** Reads the uploaded file into batch rows, refusing the whole file for a bad header. */
async function readRows(req: IncomingMessage, chosen: CsvFormatChoice): Promise<{ plan: { format: Required<CsvFormatChoice>; columns: string[]; rows: number }; rows: BatchRow[] }> {
  const table = await readCsvTable(await readUpload(req, MAX_UPLOAD_BYTES), chosen);
  const secret = table.header.find((h) => SECRET_HEADERS.includes(foldHeader(h)));
  if (secret) throw new CsvFileError('csv_secret_column', `The column "${secret}" would carry passwords: Carillon generates them and shows them once after the import. Remove the column.`);
  const { positions, ignored, duplicates, missing } = matchColumns(table.header, EXTENSION_COLUMNS, ['number']);
  if (duplicates.length) throw new CsvFileError('csv_duplicate_column', `Columns given twice: ${duplicates.map((d) => `"${d}"`).join(', ')}.`);
  if (ignored.length) throw new CsvFileError('csv_unknown_column', `Unknown columns: ${ignored.map((u) => `"${u}"`).join(', ')}; the columns are ${EXTENSION_COLUMNS.map((c) => c.key).join(', ')}.`);
  if (missing.length) throw new CsvFileError('csv_missing_column', 'The file needs a "number" column (and usually "name").');
  const rows = table.rows.map((r) => ({ row: r.line, body: rowToBody(r.values, positions) }));
  return { plan: { format: { encoding: table.format.encoding, separator: table.format.separator }, columns: [...positions.keys()], rows: rows.length }, rows };
}

export function extensionBulkRoutes(bulk: () => ExtensionBulkService): RouteDefinition[] {
  return [
    defineRoute({
      id: 'telephony.extensions.createRange',
      method: 'POST',
      path: '/extensions/range',
      summary: 'Create a numbered range of extensions at once (names in order), all or nothing; the SIP passwords are in the answer once, for holders of telephony.secrets',
      permission: 'telephony.manage',
      status: 201,
      input: { body: rangeBody },
      handler: ({ body, identity }) => bulk().create(rangeRows(body), 'row', identity!.permissions.has('telephony.secrets')),
    }),
    defineRoute({
      id: 'telephony.extensions.importPlan',
      method: 'POST',
      path: '/extensions/import/plan',
      summary: 'Check a CSV file of extensions (the raw body) without changing anything: the detected format, the columns read and the numbers it would create, or every refused row with its reasons',
      permission: 'telephony.manage',
      audit: false,
      input: { query: importQuery },
      handler: async ({ query, koa }) => {
        const { plan, rows } = await readRows(koa.req, query);
        const inputs = await bulk().plan(rows, 'line');
        return { ...plan, numbers: inputs.map((i) => i.number) };
      },
    }),
    defineRoute({
      id: 'telephony.extensions.import',
      method: 'POST',
      path: '/extensions/import',
      summary: 'Create the extensions of a CSV file (the raw body), all or none; the SIP passwords are in the answer once, for holders of telephony.secrets',
      description: IMPORT_RULES,
      permission: 'telephony.manage',
      status: 201,
      input: { query: importQuery },
      handler: async ({ query, identity, koa }) => {
        const { plan, rows } = await readRows(koa.req, query);
        return { ...plan, ...(await bulk().create(rows, 'line', identity!.permissions.has('telephony.secrets'))) };
      },
    }),
    defineRoute({
      id: 'telephony.extensions.export',
      method: 'GET',
      path: '/extensions/export.csv',
      summary: 'Every extension as CSV, importable on another Carillon; never a SIP password',
      permission: 'telephony.read',
      input: { query: z.strictObject({ separator: separator.default('comma') }) },
      handler: async ({ query, koa }) => {
        koa.set('Content-Type', 'text/csv; charset=utf-8');
        koa.attachment(`extensions-${new Date().toISOString().slice(0, 10)}.csv`);
        return extensionsCsv(await bulk().all(), query.separator);
      },
    }),
  ];
}
