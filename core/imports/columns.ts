/** A column an import understands: its key, and the header names people write for it (any case, accents ignored). */
export interface ImportColumn {
  key: string;
  aliases: string[];
}

/** "Numéro de poste" → "numerodeposte": headers compared without case, accents, spaces or punctuation. */
export function foldHeader(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Which file column holds each known key; headers nobody knows are returned to be reported. */
export function mapColumns(header: string[], columns: ImportColumn[]): { index: Map<string, number>; unknown: string[]; duplicated: string[] } {
  const byAlias = new Map<string, string>();
  for (const column of columns) for (const alias of [column.key, ...column.aliases]) byAlias.set(foldHeader(alias), column.key);
  const index = new Map<string, number>();
  const unknown: string[] = [];
  const duplicated: string[] = [];
  header.forEach((name, i) => {
    const key = byAlias.get(foldHeader(name));
    if (!key) unknown.push(name);
    else if (index.has(key)) duplicated.push(name);
    else index.set(key, i);
  });
  return { index, unknown, duplicated };
}
