import path from 'node:path';
import type { Phonebook } from '../../phonebook/phonebook-source';
import { TemplateSet } from '../template-set';
import { renderAddressBook } from './address-book';
import type { PhoneConfigContext, ProvisioningVendor } from '../vendor';
import { GRANDSTREAM_MODELS, grandstreamModel } from './capabilities';
import { grandstreamView } from './config-view';
import { detectGrandstream, GRANDSTREAM_OUIS, grandstreamConfigFileMac } from './detection';

/** Where the templates are: beside this file in the source tree and in the build. */
export const GRANDSTREAM_TEMPLATES = path.join(__dirname, 'templates');

/** P-values are `P` and digits; aliases are dotted lower-camel names such as `pks.vpk.settings.mode`. */
function checkExtraValueName(name: string): string | null {
  if (/^P\d{1,5}$/.test(name)) return null;
  if (/^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+)+$/.test(name) && name.length <= 96) return null;
  return 'a Grandstream P-value such as P1362, or an alias such as pks.vpk.settings.mode';
}

/** Grandstream GRP phones (GRP2601 to GRP2670): P-value XML, AddressBook phonebook. */
export function grandstreamVendor(templatesDir = GRANDSTREAM_TEMPLATES): ProvisioningVendor {
  const templates = new TemplateSet(templatesDir, 'config.xml');
  return {
    id: 'grandstream',
    displayName: 'Grandstream',
    macPrefixes: GRANDSTREAM_OUIS,
    models: GRANDSTREAM_MODELS,
    detect: detectGrandstream,
    configFileMac: grandstreamConfigFileMac,
    renderConfig(context: PhoneConfigContext): string {
      const capabilities = context.capabilities ?? null;
      const model = capabilities ? grandstreamModel(capabilities.model) : null;
      return templates.render(grandstreamView(context), { model: model?.model ?? null, family: model?.family ?? null });
    },
    renderPhonebook(book: Phonebook): Iterable<string> {
      return renderAddressBook(book.groups, book.entries);
    },
    checkExtraValueName,
  };
}
