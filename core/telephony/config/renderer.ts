import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { dialplanView } from './dialplan-view';
import { pjsipView } from './pjsip-view';
import type { TelephonyConfigSnapshot } from './snapshot';

/** The Asterisk module whose reload picks up a generated file. */
export type AsteriskModule = 'res_pjsip.so' | 'pbx_config.so' | 'app_voicemail.so';

export interface GeneratedFile {
  /** File name inside the configuration folder, as the skeleton includes it. */
  name: string;
  module: AsteriskModule;
  content: string;
}

const FILES: Array<{ name: string; module: AsteriskModule; view: 'pjsip' | 'dialplan' }> = [
  { name: 'pjsip-transports.conf', module: 'res_pjsip.so', view: 'pjsip' },
  { name: 'pjsip-extensions.conf', module: 'res_pjsip.so', view: 'pjsip' },
  { name: 'pjsip-trunks.conf', module: 'res_pjsip.so', view: 'pjsip' },
  { name: 'extensions-carillon.conf', module: 'pbx_config.so', view: 'dialplan' },
  { name: 'voicemail-carillon.conf', module: 'app_voicemail.so', view: 'dialplan' },
];

export const TEMPLATES_DIR = path.join(__dirname, 'templates');

/**
 * Turns a snapshot into Asterisk files through the handlebars templates. Values are checked
 * and escaped while the views are built (conf-values.ts), so the templates print them as they
 * are (`noEscape`: HTML escaping would corrupt caller IDs such as `"Alice" <201>`), and `strict`
 * makes a template that names a missing field fail instead of printing nothing.
 */
export class ConfigRenderer {
  private readonly templates = new Map<string, Handlebars.TemplateDelegate>();

  constructor(templatesDir = TEMPLATES_DIR) {
    const handlebars = Handlebars.create();
    for (const file of fs.readdirSync(templatesDir)) {
      if (file.endsWith('.partial.hbs')) handlebars.registerPartial(file.slice(0, -'.partial.hbs'.length), fs.readFileSync(path.join(templatesDir, file), 'utf8'));
    }
    for (const { name } of FILES) {
      const source = fs.readFileSync(path.join(templatesDir, `${name}.hbs`), 'utf8');
      this.templates.set(name, handlebars.compile(source, { noEscape: true, strict: true }));
    }
  }

  /** Throws ConfigValueError when a value cannot be written safely; nothing is produced then. */
  render(snapshot: TelephonyConfigSnapshot, options: { recordingsSpool: string }): GeneratedFile[] {
    const pjsip = pjsipView(snapshot);
    const dialplan = dialplanView(snapshot, pjsip, options.recordingsSpool);
    return FILES.map(({ name, module, view }) => ({ name, module, content: this.templates.get(name)!(view === 'pjsip' ? pjsip : dialplan) }));
  }
}
