import { stringify } from 'csv-stringify/sync';
import { CSV_SEPARATORS, type CsvSeparator } from '../../imports/csv-format';
import type { ImportColumn } from '../../imports/columns';
import type { ExtensionView } from './extension-service';

/**
 * The extensions CSV: the columns export writes and import reads (English keys; French headers
 * are understood too). Never a SIP password: export leaves it out and import refuses the column
 * (passwords are generated, shown once after creation).
 */
export const EXTENSION_COLUMNS: ImportColumn[] = [
  { key: 'number', aliases: ['numéro', 'numero', 'poste', 'extension'] },
  { key: 'name', aliases: ['nom'] },
  { key: 'sipUsername', aliases: ['sip user name', 'sip username', 'utilisateur sip', 'identifiant sip'] },
  { key: 'codecs', aliases: [] },
  { key: 'maxContacts', aliases: ['max contacts', 'appareils max', 'contacts max'] },
  { key: 'webrtc', aliases: ['navigateur'] },
  { key: 'voicemail', aliases: ['messagerie', 'boîte vocale'] },
  { key: 'voicemailEmail', aliases: ['voicemail email', 'e-mail messagerie', 'email messagerie'] },
  { key: 'recording', aliases: ['enregistrement'] },
  { key: 'restrictionClass', aliases: ['restriction', 'restriction class', 'restriction d’appel', "restriction d'appel"] },
  { key: 'outboundCallerId', aliases: ['caller id', 'numéro présenté', 'numero presente'] },
  { key: 'doNotDisturb', aliases: ['dnd', 'ne pas déranger', 'ne pas deranger'] },
  { key: 'forwardAlways', aliases: ['renvoi immédiat', 'renvoi immediat', 'forward unconditional'] },
  { key: 'forwardBusy', aliases: ['renvoi occupé', 'renvoi occupe'] },
  { key: 'forwardNoAnswer', aliases: ['renvoi non-réponse', 'renvoi non réponse', 'renvoi sans réponse'] },
  { key: 'forwardNoAnswerSeconds', aliases: ['délai non-réponse', 'delai non reponse', 'no answer seconds'] },
];

/** Headers that would carry a secret: refused, so nobody believes an import set a password. */
export const SECRET_HEADERS = ['password', 'sippassword', 'secret', 'motdepasse', 'motdepassesip'];

const TRUE = new Set(['yes', 'y', 'true', '1', 'oui', 'o', 'x', 'vrai']);
const FALSE = new Set(['no', 'n', 'false', '0', 'non', 'faux']);

/** "oui" → true; an unknown word stays text so the schema names the column ("expected boolean"). */
function flag(text: string): boolean | string {
  const folded = text.toLowerCase();
  if (TRUE.has(folded)) return true;
  if (FALSE.has(folded)) return false;
  return text;
}

/** "12" → 12; anything else stays text so the schema says what it expected. */
function whole(text: string): number | string {
  return /^\d{1,6}$/.test(text) ? Number(text) : text;
}

/**
 * One CSV row as the body the single-extension form would send: an empty cell leaves the field
 * out (the same default as the form), so the same schema and checks decide.
 */
export function rowToBody(values: string[], index: Map<string, number>): Record<string, unknown> {
  const cell = (key: string): string | undefined => {
    const i = index.get(key);
    const value = i === undefined ? undefined : values[i];
    return value === undefined || value === '' ? undefined : value;
  };
  const body: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    if (value !== undefined) body[key] = value;
  };
  put('number', cell('number'));
  put('name', cell('name') ?? (cell('number') ? '' : undefined));
  put('sipUsername', cell('sipUsername'));
  const codecs = cell('codecs');
  put('codecs', codecs === undefined ? undefined : codecs.split(/[\s|,;]+/).filter(Boolean).map((c) => c.toLowerCase()));
  put('maxContacts', cell('maxContacts') === undefined ? undefined : whole(cell('maxContacts')!));
  put('webrtc', cell('webrtc') === undefined ? undefined : flag(cell('webrtc')!));
  const voicemail: Record<string, unknown> = {};
  if (cell('voicemail') !== undefined) voicemail.enabled = flag(cell('voicemail')!);
  if (cell('voicemailEmail') !== undefined) voicemail.email = cell('voicemailEmail');
  if (Object.keys(voicemail).length) body.voicemail = voicemail;
  put('recording', cell('recording'));
  put('restrictionClass', cell('restrictionClass'));
  put('outboundCallerId', cell('outboundCallerId'));
  put('doNotDisturb', cell('doNotDisturb') === undefined ? undefined : flag(cell('doNotDisturb')!));
  const forwarding: Record<string, unknown> = {};
  if (cell('forwardAlways') !== undefined) forwarding.unconditional = cell('forwardAlways');
  if (cell('forwardBusy') !== undefined) forwarding.busy = cell('forwardBusy');
  if (cell('forwardNoAnswer') !== undefined) forwarding.noAnswer = cell('forwardNoAnswer');
  if (cell('forwardNoAnswerSeconds') !== undefined) forwarding.noAnswerSeconds = whole(cell('forwardNoAnswerSeconds')!);
  if (Object.keys(forwarding).length) body.forwarding = forwarding;
  return body;
}

/** Every extension as CSV (UTF-8 with a BOM, so spreadsheet programs read accents), importable on another Carillon. */
export function extensionsCsv(extensions: ExtensionView[], separator: CsvSeparator): string {
  const yesNo = (value: boolean) => (value ? 'yes' : 'no');
  // A name starting with = or @ would run as a formula in a spreadsheet: quoted so it stays text.
  const text = (value: string) => (/^[=@\t\r]/.test(value) ? `'${value}` : value);
  const rows = extensions.map((e) => [
    e.number,
    text(e.name),
    e.sipUsername,
    e.codecs.join(' '),
    String(e.maxContacts),
    yesNo(e.webrtc),
    yesNo(e.voicemail.enabled),
    e.voicemail.email ?? '',
    e.recording,
    e.restrictionClass,
    e.outboundCallerId ?? '',
    yesNo(e.doNotDisturb),
    e.forwarding.unconditional ?? '',
    e.forwarding.busy ?? '',
    e.forwarding.noAnswer ?? '',
    String(e.forwarding.noAnswerSeconds),
  ]);
  return `\uFEFF${stringify([EXTENSION_COLUMNS.map((c) => c.key), ...rows], { delimiter: CSV_SEPARATORS[separator], record_delimiter: 'windows' })}`;
}
