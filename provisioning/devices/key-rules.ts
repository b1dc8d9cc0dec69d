import type { FieldError } from '../../core/http/problem';
import type { ProgrammableKey } from '../models';
import type { ModelCapabilities } from '../vendors/vendor';

const DIALLABLE = /^[0-9*#+]{1,32}$/;

/**
 * Checks a phone's key list against its model: positions that exist (on the phone or on the
 * expansion modules it has), functions the model offers, accounts it has, and values a phone
 * can dial. Returns every problem, each under `body.keys.<n>.<field>`.
 */
export function checkKeys(keys: ProgrammableKey[], capabilities: ModelCapabilities, expansionModules: number, accountCount: number): FieldError[] {
  const errors: FieldError[] = [];
  const taken = new Set<string>();
  keys.forEach((key, n) => {
    const field = (name: string) => `body.keys.${n}.${name}`;
    const fail = (name: string, code: string, message: string) => errors.push({ field: field(name), code, message });
    if (key.where === 'phone') {
      if (key.module !== null) fail('module', 'not_applicable', 'A key on the phone itself has no module; send null.');
      if (key.index > capabilities.phoneKeys) fail('index', 'no_such_key', `The ${capabilities.model} has ${capabilities.phoneKeys} programmable keys.`);
    } else {
      if (key.module === null || key.module > expansionModules) fail('module', 'no_such_module', `This phone has ${expansionModules} expansion module(s) configured (the ${capabilities.model} takes ${capabilities.maxModules}).`);
      if (key.index > capabilities.keysPerModule) fail('index', 'no_such_key', `An expansion module has ${capabilities.keysPerModule} keys.`);
      if (key.type === 'line') fail('type', 'line_on_module', 'Line keys are on the phone itself, not on an expansion module.');
    }
    const position = `${key.where}:${key.module ?? 0}:${key.index}`;
    if (taken.has(position)) fail('index', 'duplicate_key', 'Two keys are set on the same position.');
    taken.add(position);
    if (!capabilities.keyTypes.includes(key.type)) fail('type', 'unsupported_type', `The ${capabilities.model} offers ${capabilities.keyTypes.join(', ')} keys.`);
    if (key.account > accountCount) fail('account', 'no_such_account', `This phone has ${accountCount} account(s) assigned.`);
    if (key.type === 'line' && key.value !== '') fail('value', 'not_applicable', 'A line key takes no value; leave it empty.');
    if (key.type !== 'line' && !DIALLABLE.test(key.value)) fail('value', 'not_diallable', 'A number the phone can dial: digits, *, # or + (up to 32).');
  });
  return errors;
}
