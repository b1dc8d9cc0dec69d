import crypto from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/**
 * A SIP secret: 32 characters from an alphabet without look-alikes (about 185 bits). Letters and
 * digits only, because phones' web forms, provisioning XML and keypads choke on punctuation.
 */
export function generateSipSecret(length = 32): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[crypto.randomInt(ALPHABET.length)];
  return out;
}

/** A SIP user name Carillon issues to another IPBX: not guessable from its name. */
export function generatePeerUsername(): string {
  return `peer-${generateSipSecret(10).toLowerCase()}`;
}
