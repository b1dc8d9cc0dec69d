import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

/**
 * A vendor's handlebars templates, looked up per phone as model → family → base:
 *
 *   <root>/base/<name>.hbs              every model
 *   <root>/families/<family>/<name>.hbs  overrides base for a family (grp261x, grp260x…)
 *   <root>/models/<model>/<name>.hbs     overrides both for one model (lower-case, grp2614)
 *
 * `main` is the file rendered; every other `.hbs` name is a partial (`{{> keys}}`) resolved the
 * same way. Per-device and per-model admin overrides are values, not templates (they come in
 * the view), so an admin can never inject template code. Handlebars' default escaping is on:
 * every `{{value}}` comes out with & < > " ' ` = escaped, which XML accepts.
 */
export class TemplateSet {
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();

  constructor(
    private readonly root: string,
    private readonly main: string,
    private readonly helpers: Record<string, Handlebars.HelperDelegate> = {},
  ) {
    if (!fs.existsSync(path.join(root, 'base', `${main}.hbs`))) throw new Error(`Template ${main}.hbs is missing in ${root}/base`);
  }

  /** The folders searched for this model, most specific first. */
  folders(model: string | null, family: string | null): string[] {
    const folders: string[] = [];
    if (model) folders.push(path.join(this.root, 'models', model.toLowerCase()));
    if (family) folders.push(path.join(this.root, 'families', family.toLowerCase()));
    folders.push(path.join(this.root, 'base'));
    return folders.filter((folder) => fs.existsSync(folder));
  }

  render(view: unknown, lookup: { model: string | null; family: string | null }): string {
    const key = `${lookup.model ?? ''}|${lookup.family ?? ''}`;
    let template = this.compiled.get(key);
    if (!template) {
      template = this.compile(this.folders(lookup.model, lookup.family));
      this.compiled.set(key, template);
    }
    return template(view);
  }

  private compile(folders: string[]): Handlebars.TemplateDelegate {
    const handlebars = Handlebars.create();
    for (const [name, helper] of Object.entries(this.helpers)) handlebars.registerHelper(name, helper);
    const chosen = new Map<string, string>();
    // Least specific first, so that a more specific folder replaces what base gave.
    for (const folder of [...folders].reverse()) {
      for (const file of fs.readdirSync(folder)) if (file.endsWith('.hbs')) chosen.set(file.slice(0, -'.hbs'.length), path.join(folder, file));
    }
    for (const [name, file] of chosen) if (name !== this.main) handlebars.registerPartial(name, fs.readFileSync(file, 'utf8'));
    // strict: a template naming a missing field fails instead of writing an empty value.
    return handlebars.compile(fs.readFileSync(chosen.get(this.main)!, 'utf8'), { strict: true });
  }
}
