import { CSV_ENCODINGS, CSV_SEPARATORS, integerText, idText, z, type CsvSeparator } from '../../core/plugin-api';
import { NUMBER_TYPES } from './types';
import { EMAIL, EXTENSION, LIMITS } from './services/contact-rules';
import { REGIONS } from './services/directory-settings';

const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) => text(max).nullable().optional().transform((v) => (v === '' ? null : v));
const folderRef = z.union([z.literal('root').transform(() => null), idText]);

/** For routes that take nothing: unknown query parameters or body fields are refused, not ignored. */
export const nothing = z.object({}).strict();
export const noBody = nothing.optional();

export const contactKeyParams = z.object({ key: z.string().regex(/^[0-9a-z]{4,16}$/, 'a contact key') });
export const idParams = z.object({ id: idText });
export const importIdParams = z.object({ id: z.uuid() });

const numberInput = z.object({
  type: z.enum(NUMBER_TYPES),
  number: z.string().trim().min(1).max(64),
  isDefault: z.boolean().optional(),
});

const contactFields = {
  folderId: z.number().int().positive().nullable().optional(),
  company: optionalText(LIMITS.company),
  jobTitle: optionalText(LIMITS.jobTitle),
  numbers: z
    .array(numberInput)
    .max(LIMITS.numbers)
    .refine((list) => list.filter((n) => n.isDefault).length <= 1, 'at most one default number')
    .optional(),
  emails: z.array(z.string().trim().max(LIMITS.email).regex(EMAIL, 'an e-mail address')).max(LIMITS.emails).optional(),
  address: z
    .object({
      street: optionalText(LIMITS.street),
      postalCode: optionalText(LIMITS.postalCode),
      city: optionalText(LIMITS.city),
      country: optionalText(LIMITS.country),
    })
    .optional(),
  notes: optionalText(LIMITS.notes),
  userId: z.number().int().positive().nullable().optional(),
  extension: z.string().regex(EXTENSION, '2 to 8 digits').nullable().optional(),
};

export const contactCreate = z.object({
  firstName: text(LIMITS.name).min(1),
  lastName: text(LIMITS.name).min(1),
  ...contactFields,
}).strict();

export const contactPatch = z.object({
  firstName: text(LIMITS.name).min(1).optional(),
  lastName: text(LIMITS.name).min(1).optional(),
  ...contactFields,
}).strict();

export const contactSearch = z.object({
  q: z.string().max(100).optional(),
  folderId: folderRef.optional(),
  limit: integerText(1, 200).default(50),
  offset: integerText(0, 1_000_000).default(0),
});

export const numberLookup = z.object({ number: z.string().trim().min(2).max(64) });

const folderName = text(LIMITS.folderName).min(1).refine((name) => !name.includes('/'), 'no "/" (it separates folders in CSV paths)');

export const folderCreate = z.object({ name: folderName, parentId: z.number().int().positive().nullable().default(null) }).strict();
export const folderPatch = z.object({ name: folderName.optional(), parentId: z.number().int().positive().nullable().optional() }).strict();
export const folderDelete = z.discriminatedUnion('contents', [
  z.object({ contents: z.literal('move'), moveTo: folderRef.optional() }),
  z.object({ contents: z.literal('delete') }),
]);

const separatorName = z.enum(Object.keys(CSV_SEPARATORS) as [CsvSeparator, ...CsvSeparator[]]);
export const csvDownload = z.object({ lang: z.enum(['fr', 'en']).optional(), separator: separatorName.default('semicolon') });
export const csvUpload = z.object({ encoding: z.enum(CSV_ENCODINGS).optional(), separator: separatorName.optional() });

export const settingsPatch = z.object({
  defaultRegion: z.enum(REGIONS as [string, ...string[]]).optional(),
  backupsKept: z.number().int().min(1).max(100).optional(),
}).strict();

const attribute = z.string().trim().max(64).regex(/^[A-Za-z0-9;-]*$/, 'an LDAP attribute name');
export const ldapPatch = z.object({
  enabled: z.boolean().optional(),
  url: z.string().trim().max(255).regex(/^ldaps?:\/\/[^\s]+$/, 'ldap://host[:port] or ldaps://host[:port]').optional(),
  bindDn: z.string().trim().max(255).optional(),
  password: z.string().max(255).nullable().optional(),
  baseDn: z.string().trim().min(1).max(255).optional(),
  filter: z.string().trim().max(1000).regex(/^\(.*\)$/, 'an LDAP filter in parentheses').optional(),
  mapping: z.object({
    id: attribute, firstName: attribute, lastName: attribute, company: attribute, jobTitle: attribute,
    work: attribute, mobile: attribute, home: attribute, fax: attribute, other: attribute, emails: attribute,
    street: attribute, postalCode: attribute, city: attribute, country: attribute, notes: attribute,
  }).partial().strict().optional(),
  folderId: z.number().int().positive().nullable().optional(),
  intervalMinutes: z.number().int().min(5).max(7 * 24 * 60).nullable().optional(),
  verifyCertificate: z.boolean().optional(),
}).strict();

export const pluginConfig = z.object({
  /** Largest CSV file accepted for import. */
  maxImportBytes: z.number().int().positive().default(200 * 1024 * 1024),
  /** Contacts written per batch during an import. */
  importBatchSize: z.number().int().min(1).max(10_000).default(1000),
  /** How often the LDAP schedule is checked. */
  ldapCheckMs: z.number().int().min(100).default(60_000),
}).strict();
export type PluginConfig = z.infer<typeof pluginConfig>;
