/**
 * Numbers are compared by their digits, whatever the format (`+33 6 11 11 11 11`, `0611111111`,
 * `0033611111111`): the last nine digits (a French national significant number) identify a
 * number; shorter ones (extensions) are kept whole. Stored per row so the filter is an index look-up.
 */
export const TAIL_DIGITS = 9;

export function numberTail(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length > TAIL_DIGITS ? digits.slice(-TAIL_DIGITS) : digits;
}
