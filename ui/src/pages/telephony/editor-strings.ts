/**
 * Strings of the codec order, the opening-hours grid and the bulk extension tools (merged into
 * the area's `strings.ts`); `fr` is typed against `en`, so a missing key fails the type check.
 */
export const en = {
  'tel.codecOrderHint': 'Tick the codecs to offer; the order is the preference order (first offered first). Use ↑ and ↓, or drag a row.',
  'tel.codecsOffered': 'Offered codecs, in preference order',
  'tel.codecsNotOffered': 'Codecs not offered',
  'tel.codecMoved': '{name} is now number {position} of {count}.',
};

export const fr: Record<keyof typeof en, string> = {
  'tel.codecOrderHint': 'Cochez les codecs à proposer ; l’ordre est celui de préférence (le premier est proposé en premier). Utilisez ↑ et ↓, ou glissez une ligne.',
  'tel.codecsOffered': 'Codecs proposés, par ordre de préférence',
  'tel.codecsNotOffered': 'Codecs non proposés',
  'tel.codecMoved': '{name} est maintenant en position {position} sur {count}.',
};
