/** Case- and accent-folding shared by sorting, search terms and CSV header matching. */

export function fold(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** The searchable words of a text: folded, split on anything that is not a letter or digit. */
export function words(text: string | null | undefined): string[] {
  if (!text) return [];
  return fold(text)
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.slice(0, 64));
}

export function sortName(lastName: string, firstName: string): string {
  return `${fold(lastName)} ${fold(firstName)}`.trim().slice(0, 210);
}
