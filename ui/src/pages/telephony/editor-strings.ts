/**
 * Strings of the codec order, the opening-hours grid and the bulk extension tools (merged into
 * the area's `strings.ts`); `fr` is typed against `en`, so a missing key fails the type check.
 */
export const en = {
  'tel.codecOrderHint': 'Tick the codecs to offer; the order is the preference order (first offered first). Use ↑ and ↓, or drag a row.',
  'tel.codecsOffered': 'Offered codecs, in preference order',
  'tel.codecsNotOffered': 'Codecs not offered',
  'tel.codecMoved': '{name} is now number {position} of {count}.',
  'tel.sch.gridHint': 'Each day can have several ranges (e.g. a lunch break); a day without a range is closed.',
  'tel.sch.closedDay': 'Closed',
  'tel.sch.rangeOf': '{day}, range {n}',
  'tel.sch.addRange': 'Add a range',
  'tel.sch.addRangeTo': 'Add a range to {day}',
  'tel.sch.copyToWeekdays': 'Copy to weekdays',
  'tel.sch.timeMissing': 'Give both times (HH:MM).',
  'tel.sch.inverted': '{day} {range}: a range must close after it opens. For hours past midnight, end at 23:59 and start the next day at 00:00.',
  'tel.sch.overlap': '{day}: {range} overlaps {other}. Join them in one range or move one.',
  'tel.sch.country': 'Country',
  'tel.sch.noPublicHolidays': 'None (open on public holidays)',
  'tel.sch.wholeCountry': 'Whole country',
  'tel.sch.holidaysOfYear': 'Public holidays in {year} ({count})',
  'fieldError.overlap': 'Overlaps another range of the same day.',
  'fieldError.before_open': 'Must close after it opens.',
};

export const fr: Record<keyof typeof en, string> = {
  'tel.codecOrderHint': 'Cochez les codecs à proposer ; l’ordre est celui de préférence (le premier est proposé en premier). Utilisez ↑ et ↓, ou glissez une ligne.',
  'tel.codecsOffered': 'Codecs proposés, par ordre de préférence',
  'tel.codecsNotOffered': 'Codecs non proposés',
  'tel.codecMoved': '{name} est maintenant en position {position} sur {count}.',
  'tel.sch.gridHint': 'Chaque jour peut avoir plusieurs plages (par exemple une pause déjeuner) ; un jour sans plage est fermé.',
  'tel.sch.closedDay': 'Fermé',
  'tel.sch.rangeOf': '{day}, plage {n}',
  'tel.sch.addRange': 'Ajouter une plage',
  'tel.sch.addRangeTo': 'Ajouter une plage au {day}',
  'tel.sch.copyToWeekdays': 'Copier sur les jours de semaine',
  'tel.sch.timeMissing': 'Indiquez les deux heures (HH:MM).',
  'tel.sch.inverted': '{day} {range} : une plage doit fermer après son ouverture. Pour dépasser minuit, finissez à 23:59 et reprenez le lendemain à 00:00.',
  'tel.sch.overlap': '{day} : {range} chevauche {other}. Réunissez-les en une plage ou déplacez-en une.',
  'tel.sch.country': 'Pays',
  'tel.sch.noPublicHolidays': 'Aucun (ouvert les jours fériés)',
  'tel.sch.wholeCountry': 'Tout le pays',
  'tel.sch.holidaysOfYear': 'Jours fériés {year} ({count})',
  'fieldError.overlap': 'Chevauche une autre plage du même jour.',
  'fieldError.before_open': 'Doit fermer après l’ouverture.',
};
