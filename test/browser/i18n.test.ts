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
