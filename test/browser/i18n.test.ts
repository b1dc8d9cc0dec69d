import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

/**
 * French and English complete: every key the UI's code asks for with a literal `t('…')` exists in
 * both languages, and every area's strings have the same keys in both. (Core `fr.ts` is typed
 * against `en.ts`; this also covers the areas and keys typed as plain strings.)
 */
const SRC = path.resolve(__dirname, '..', '..', 'ui', 'src');
type Dictionary = Record<string, string>;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Loaded by path at run time: the UI's modules are not part of the server's type-checked program. */
function load<T>(file: string): T {
  // require, not import(): mocha runs with the tsx CommonJS hook, which compiles these .ts files.
  return require(file) as T;
}

describe('Admin UI translations', () => {
  let en: Dictionary;
  let fr: Dictionary;
  const areas: Array<{ area: string; en: Dictionary; fr: Dictionary }> = [];

  before(() => {
    en = { ...load<{ en: Dictionary }>(path.join(SRC, 'i18n', 'en.ts')).en };
    fr = { ...load<{ fr: Dictionary }>(path.join(SRC, 'i18n', 'fr.ts')).fr };
    for (const area of fs.readdirSync(path.join(SRC, 'pages'))) {
      const file = path.join(SRC, 'pages', area, 'strings.ts');
      if (!fs.existsSync(file)) continue;
      const { strings } = load<{ strings: { en: Dictionary; fr: Dictionary } }>(file);
      areas.push({ area, ...strings });
      Object.assign(en, strings.en);
      Object.assign(fr, strings.fr);
    }
    // Shared pieces' strings (error codes, seeded keys' labels, the date field): i18n/*.strings.ts.
    for (const name of fs.readdirSync(path.join(SRC, 'i18n')).filter((n) => n.endsWith('.strings.ts'))) {
      const { strings } = load<{ strings: { en: Dictionary; fr: Dictionary } }>(path.join(SRC, 'i18n', name));
      areas.push({ area: `i18n/${name}`, ...strings });
      Object.assign(en, strings.en);
      Object.assign(fr, strings.fr);
    }
  });

  /** `{name}` placeholders and `{name, plural, …}` variables of a text. */
  const PLURAL = /\{(\w+),\s*plural,\s*((?:=?\w+\s*\{[^{}]*\}\s*)+)\}/g;
  const variables = (text: string) => {
    const plurals = [...text.matchAll(PLURAL)].map((m) => m[1]);
    const rest = [...text.replace(PLURAL, '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    return [...new Set([...plurals, ...rest])].sort();
  };

  it('uses the same placeholders in both languages, with plural forms that name an `other` case', () => {
    const differing: string[] = [];
    for (const [key, english] of Object.entries(en)) {
      if (key in fr && JSON.stringify(variables(english)) !== JSON.stringify(variables(fr[key]))) differing.push(`${key}: ${variables(english)} / ${variables(fr[key])}`);
      for (const text of [english, fr[key] ?? '']) {
        for (const plural of text.matchAll(PLURAL)) if (!/\bother\s*\{/.test(plural[2])) differing.push(`${key}: no other case in ${plural[0]}`);
        // A plural the parser does not recognise (a brace inside a case) would be shown raw.
        if (/,\s*plural,/.test(text.replace(PLURAL, ''))) differing.push(`${key}: unreadable plural in ${text}`);
      }
    }
    expect(differing).to.deep.equal([]);
  });

  it("has the same keys and placeholders in English and French in every plugin's UI strings", () => {
    const plugins = path.resolve(SRC, '..', '..', 'plugins');
    let checked = 0;
    for (const plugin of fs.readdirSync(plugins)) {
      const file = path.join(plugins, plugin, 'ui-strings.ts');
      if (!fs.existsSync(file)) continue;
      const { UI_STRINGS } = load<{ UI_STRINGS: { en: Dictionary; fr: Dictionary } }>(file);
      expect(Object.keys(UI_STRINGS.fr).sort(), `${plugin}/ui-strings.ts`).to.deep.equal(Object.keys(UI_STRINGS.en).sort());
      for (const [key, english] of Object.entries(UI_STRINGS.en)) expect(variables(UI_STRINGS.fr[key]), `${plugin}: ${key}`).to.deep.equal(variables(english));
      checked++;
    }
    expect(checked).to.be.greaterThan(0);
  });

  it('has every core key in both languages, none empty', () => {
    expect(Object.keys(fr).filter((k) => !(k in en)), 'in French only').to.deep.equal([]);
    expect(Object.keys(en).filter((k) => !(k in fr)), 'in English only').to.deep.equal([]);
    expect(Object.entries({ ...en, ...fr }).filter(([, v]) => !v.trim()).map(([k]) => k), 'empty').to.deep.equal([]);
  });

  it("has the same keys in English and French in every area's strings", () => {
    expect(areas.length).to.be.greaterThan(0);
    for (const { area, en: areaEn, fr: areaFr } of areas) {
      expect(Object.keys(areaFr).sort(), `${area}/strings.ts`).to.deep.equal(Object.keys(areaEn).sort());
    }
  });

  it('has a string for every literal key the code asks for', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const file of sources(SRC)) {
      const text = fs.readFileSync(file, 'utf8');
      // t('key'), t('key', …), and the registry's titleKey: 'key'.
      for (const match of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*)'|titleKey:\s*'([\w.-]+)'/g)) {
        const key = match[1] ?? match[2];
        seen++;
        if (!(key in en) || !(key in fr)) missing.push(`${path.relative(SRC, file)}: ${key}`);
      }
    }
    expect(seen).to.be.greaterThan(200);
    expect([...new Set(missing)]).to.deep.equal([]);
  });
});
