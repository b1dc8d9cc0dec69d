/**
 * A column an import understands: its key, and the header names people write for it, in every
 * language the import speaks ("Numéro", "Number"…). Compared folded: any case, accents, spaces or
 * punctuation aside.
 */
export interface ImportColumn<K extends string = string> {
  key: K;
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

/** How a file's header row maps onto an import's columns. */
export interface ColumnMatch<K extends string = string> {
  /** Position in the row of each recognised column. */
  positions: Map<K, number>;
  /** The file's own header for each recognised column, to name columns in errors as the person wrote them. */
  names: Map<K, string>;
  /** Headers no column answers to (an import may ignore or refuse them). */
  ignored: string[];
  /** Headers naming a column already found earlier in the row. */
  duplicates: string[];
  /** Required columns the header lacks. */
  missing: K[];
  /** Number of columns of the header row (a longer data row would lose data). */
  width: number;
}

/** Matches a header row to columns by key or alias, in any order; the first of two headers for one column wins. */
export function matchColumns<K extends string>(header: string[], columns: ReadonlyArray<ImportColumn<K>>, required: readonly K[] = []): ColumnMatch<K> {
  const byAlias = new Map<string, K>();
  for (const column of columns) for (const alias of [column.key, ...column.aliases]) byAlias.set(foldHeader(alias), column.key);
  const positions = new Map<K, number>();
  const names = new Map<K, string>();
  const ignored: string[] = [];
  const duplicates: string[] = [];
  header.forEach((raw, index) => {
    const name = raw.trim();
    const key = byAlias.get(foldHeader(name));
    if (key === undefined) ignored.push(name);
    else if (positions.has(key)) duplicates.push(name);
    else {
      positions.set(key, index);
      names.set(key, name);
    }
  });
  return { positions, names, ignored, duplicates, missing: required.filter((k) => !positions.has(k)), width: header.length };
}
