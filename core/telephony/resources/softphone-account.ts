import QRCode from 'qrcode';

/** Everything a desk phone or softphone needs to register an extension. */
export interface SoftphoneAccount {
  /** The address phones reach Asterisk at: the external address when one is set, else the appliance's. */
  server: string;
  port: number;
  transport: 'udp' | 'tcp';
  /** Also listening for SIP over TCP on this port. */
  tcpPort: number;
  /** The SIP user name, which is also the authentication name. */
  username: string;
  authUsername: string;
  password: string;
  displayName: string;
  /** A QR code a softphone scans to set the account up, and which apps read it. */
  qr: { format: 'grandstream-wave'; apps: string[]; payload: string; png: string };
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/** Characters XML 1.0 cannot carry (escaping does not help) are dropped; the rest escaped. */
function xmlText(value: string): string {
  return value.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

/**
 * The account as Grandstream Wave (Android, iOS) imports it from a scanned QR code: its
 * `AccountConfig` XML, the format Grandstream's own UCM prints for Wave. Linphone's QR scanner
 * expects a remote-provisioning URL and Zoiper's goes through Zoiper's OEM cloud service, so
 * neither reads it: they are set up with the fields shown beside the code.
 */
export function grandstreamWaveXml(account: Omit<SoftphoneAccount, 'qr'>): string {
  const server = account.port === 5060 ? account.server : `${account.server}:${account.port}`;
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<AccountConfig version="1">',
    '<Account>',
    `<RegisterServer>${xmlText(server)}</RegisterServer>`,
    `<UserID>${xmlText(account.username)}</UserID>`,
    `<AuthID>${xmlText(account.authUsername)}</AuthID>`,
    `<AuthPass>${xmlText(account.password)}</AuthPass>`,
    `<AccountName>${xmlText(account.displayName)}</AccountName>`,
    `<DisplayName>${xmlText(account.displayName)}</DisplayName>`,
    '</Account>',
    '</AccountConfig>',
  ].join('');
}

/** The account with its QR code (a PNG data URL, error correction M: readable from a screen). */
export async function softphoneAccount(account: Omit<SoftphoneAccount, 'qr'>): Promise<SoftphoneAccount> {
  const payload = grandstreamWaveXml(account);
  const png = await QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 2, scale: 4 });
  return { ...account, qr: { format: 'grandstream-wave', apps: ['Grandstream Wave'], payload, png } };
}

/** What building an extension's account needs from the rest of telephony. */
export interface AccountSources {
  extension(id: number): Promise<{ number: string; name: string; sipUsername: string; sipPassword: string }>;
  transports(): Promise<{ udpPort: number; tcpPort: number; externalAddress: string | null }>;
}

/**
 * An extension's account for its phone: the server is the address set for phones
 * (`provisioning.serverHost`), else the external address of the SIP settings, else the address
 * the admin reached Carillon at (the appliance on the LAN).
 */
export async function extensionAccount(sources: AccountSources, id: number, where: { phoneHost: string | null; requestHost: string }): Promise<SoftphoneAccount> {
  const extension = await sources.extension(id);
  const transports = await sources.transports();
  const server = where.phoneHost?.replace(/:\d+$/, '') || transports.externalAddress || where.requestHost;
  return softphoneAccount({
    server,
    port: transports.udpPort,
    transport: 'udp',
    tcpPort: transports.tcpPort,
    username: extension.sipUsername,
    authUsername: extension.sipUsername,
    password: extension.sipPassword,
    displayName: `${extension.number} ${extension.name}`,
  });
}
