/** A MAC address as Carillon stores it: 12 lower-case hexadecimal digits, no separators. */
export type Mac = string;

const SEPARATED = /^[0-9a-f]{2}([:-]?)[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i;

/** Accepts `c074ad123456`, `C0:74:AD:12:34:56`, `c0-74-ad-12-34-56`; null for anything else. */
export function parseMac(text: string): Mac | null {
  const trimmed = text.trim();
  if (!SEPARATED.test(trimmed)) return null;
  const mac = trimmed.replace(/[:-]/g, '').toLowerCase();
  // All zeros or broadcast is no phone.
  if (mac === '000000000000' || mac === 'ffffffffffff') return null;
  return mac;
}

/** `c0:74:ad:12:34:56`, for people. */
export function formatMac(mac: Mac): string {
  return mac.match(/../g)!.join(':');
}

/** The first 6 digits (the manufacturer's OUI), upper-case as vendors list them. */
export function ouiOf(mac: Mac): string {
  return mac.slice(0, 6).toUpperCase();
}
