/**
 * French postal codes → time zone and the date-holidays region whose extra public holidays apply.
 * Overseas departments and collectivities have three-digit prefixes (97x, 98x); Saint-Barthélemy
 * (97133) and Saint-Martin (97150) share Guadeloupe's 971 prefix but are collectivities of their
 * own. Alsace-Moselle (57, 67, 68) keeps Good Friday and St Stephen's Day.
 */
interface FrenchArea {
  readonly timeZone: string;
  readonly holidayRegion?: string;
}

const OVERSEAS_BY_POSTAL_CODE: Readonly<Record<string, FrenchArea>> = {
  '97133': { timeZone: 'America/St_Barthelemy', holidayRegion: 'BL' },
  '97150': { timeZone: 'America/Marigot', holidayRegion: 'MF' },
};

const OVERSEAS_BY_PREFIX: Readonly<Record<string, FrenchArea>> = {
  '971': { timeZone: 'America/Guadeloupe', holidayRegion: 'GP' },
  '972': { timeZone: 'America/Martinique', holidayRegion: 'MQ' },
  '973': { timeZone: 'America/Cayenne', holidayRegion: 'GF' },
  '974': { timeZone: 'Indian/Reunion', holidayRegion: 'RE' },
  '975': { timeZone: 'America/Miquelon' },
  '976': { timeZone: 'Indian/Mayotte', holidayRegion: 'YT' },
  '977': { timeZone: 'America/St_Barthelemy', holidayRegion: 'BL' },
  '978': { timeZone: 'America/Marigot', holidayRegion: 'MF' },
  '986': { timeZone: 'Pacific/Wallis' },
  '987': { timeZone: 'Pacific/Tahiti' },
  '988': { timeZone: 'Pacific/Noumea' },
};

const ALSACE_MOSELLE = new Set(['57', '67', '68']);

export function frenchAreaForPostalCode(postalCode: string): FrenchArea | undefined {
  const code = postalCode.replace(/\s+/g, '');
  if (!/^\d{5}$/.test(code)) return undefined;
  const exact = OVERSEAS_BY_POSTAL_CODE[code];
  if (exact) return exact;
  const overseas = OVERSEAS_BY_PREFIX[code.slice(0, 3)];
  if (overseas) return overseas;
  if (code.startsWith('97') || code.startsWith('98')) return undefined;
  const department = code.slice(0, 2);
  return { timeZone: 'Europe/Paris', holidayRegion: ALSACE_MOSELLE.has(department) ? department : undefined };
}
