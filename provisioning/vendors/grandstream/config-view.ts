import type { ProgrammableKey } from '../../models';
import type { AccountSettings, PhoneConfigContext } from '../vendor';

/**
 * One configuration value: a Grandstream P-value (`<P271>1</P271>`) or, where no P-value is
 * documented for the position (accounts past 6, keys past 48, expansion-module keys), the
 * firmware's alias (`<item name="account.7.enable">Yes</item>`). Names come from Grandstream's
 * GRP26xx configuration templates (firmware 1.0.3 P-value template, 1.0.9 alias template).
 */
export interface Setting {
  pvalue: string | null;
  alias: string | null;
  value: string;
  comment: string;
}

export interface GrandstreamView {
  mac: string;
  model: string;
  withSecrets: boolean;
  provisioning: Setting[];
  time: Setting[];
  network: Setting[];
  audio: Setting[];
  security: Setting[];
  accounts: Array<{ index: number; number: string; settings: Setting[] }>;
  keys: Setting[];
  phonebook: Setting[];
  extra: Setting[];
}

const p = (pvalue: number | string, value: string | number, comment: string): Setting => ({ pvalue: `P${pvalue}`, alias: null, value: String(value), comment });
const alias = (name: string, value: string | number, comment: string): Setting => ({ pvalue: null, alias: name, value: String(value), comment });

/** Characters XML 1.0 cannot carry at all (escaping does not help): dropped. */
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
export function xmlSafe(value: string): string {
  return value.replace(INVALID_XML, '');
}

/**
 * Text for inside an XML comment, printed unescaped there (`{{{comment}}}`: entities are not
 * decoded in comments): no `--`, no `-` at the end, nothing XML cannot carry.
 */
export function commentSafe(text: string): string {
  return xmlSafe(text).replace(/-{2,}/g, '-').replace(/-+$/, '');
}

/** Account 1 and 2 have their own P-values; 3 to 6 follow P<n>01… (account 3: P501). */
const ACCOUNT_PVALUES: Record<number, { active: number; name: number; server: number; userId: number; authId: number; password: number; displayName: number }> = {
  1: { active: 271, name: 270, server: 47, userId: 35, authId: 36, password: 34, displayName: 3 },
  2: { active: 401, name: 417, server: 402, userId: 404, authId: 405, password: 406, displayName: 407 },
};
for (let n = 3; n <= 6; n++) {
  const base = (n + 2) * 100;
  ACCOUNT_PVALUES[n] = { active: base + 1, name: base + 17, server: base + 2, userId: base + 4, authId: base + 5, password: base + 6, displayName: base + 7 };
}

function accountSettings(account: AccountSettings | null, index: number, server: string): Setting[] {
  const active = account !== null;
  const password = account?.password ?? '';
  const pv = ACCOUNT_PVALUES[index];
  if (pv) {
    return [
      p(pv.active, active ? 1 : 0, `Account ${index} active`),
      p(pv.name, account?.label ?? '', 'Account name (shown on the LCD)'),
      p(pv.server, active ? server : '', 'SIP server'),
      p(pv.userId, account?.userId ?? '', 'SIP user ID'),
      p(pv.authId, account?.authId ?? '', 'Authenticate ID'),
      p(pv.password, password, 'Authenticate password'),
      p(pv.displayName, account?.name ?? '', 'Name (caller ID display name)'),
    ];
  }
  return [
    alias(`account.${index}.enable`, active ? 'Yes' : 'No', `Account ${index} active`),
    alias(`account.${index}.name`, account?.label ?? '', 'Account name (shown on the LCD)'),
    alias(`account.${index}.sip.server.1.address`, active ? server : '', 'SIP server'),
    alias(`account.${index}.sip.userid`, account?.userId ?? '', 'SIP user ID'),
    alias(`account.${index}.sip.subscriber.userid`, account?.authId ?? '', 'Authenticate ID'),
    alias(`account.${index}.sip.subscriber.password`, password, 'Authenticate password'),
    alias(`account.${index}.sip.subscriber.name`, account?.name ?? '', 'Name (caller ID display name)'),
  ];
}

/** Key modes in the string form the firmware accepts (case-insensitive). */
const VPK_MODES = { line: 'line', blf: 'blf', speed_dial: 'speeddial', park: 'monitoredcp' } as const;
const EXT_MODES = { line: 'None', blf: 'BLF', speed_dial: 'SpeedDial', park: 'MonitoredCallPark' } as const;

function phoneKeySettings(key: ProgrammableKey, keysPerModule: number): Setting[] {
  const what = `${key.type} ${key.value}`.trim();
  if (key.where === 'module') {
    // EXT keys are numbered across modules: module 2's first key follows module 1's last.
    const n = ((key.module ?? 1) - 1) * keysPerModule + key.index;
    return [
      alias(`pks.ext.${n}.keyMode`, EXT_MODES[key.type], `Module ${key.module} key ${key.index}: ${what}`),
      alias(`pks.ext.${n}.account`, `Account${key.account}`, 'Account'),
      alias(`pks.ext.${n}.description`, key.label, 'Description'),
      alias(`pks.ext.${n}.value`, key.value, 'Value'),
    ];
  }
  const n = key.index;
  const mode = VPK_MODES[key.type];
  const account = key.account - 1;
  if (n <= 6) {
    // VPK 1-6: mode P1363+2(n-1), account +1; description P1465+2(n-1), value +1.
    const offset = (n - 1) * 2;
    return [p(1363 + offset, mode, `VPK ${n}: ${what}`), p(1364 + offset, account, 'Account (0 is account 1)'), p(1465 + offset, key.label, 'Description'), p(1466 + offset, key.value, 'Value')];
  }
  if (n <= 48) {
    // VPK 7-48: groups of four from P23800 (mode, account, description, value).
    const base = 23800 + (n - 7) * 4;
    return [p(base, mode, `VPK ${n}: ${what}`), p(base + 1, account, 'Account (0 is account 1)'), p(base + 2, key.label, 'Description'), p(base + 3, key.value, 'Value')];
  }
  return [
    alias(`pks.vpk.${n}.keyMode`, mode, `VPK ${n}: ${what}`),
    alias(`pks.vpk.${n}.account`, `Account${key.account}`, 'Account'),
    alias(`pks.vpk.${n}.description`, key.label, 'Description'),
    alias(`pks.vpk.${n}.value`, key.value, 'Value'),
  ];
}

/** The values of one phone's file; every string is made XML-safe here and escaped by the template. */
export function grandstreamView(context: PhoneConfigContext): GrandstreamView {
  const { server, device, capabilities } = context;
  const secrets = context.withSecrets;
  const sipServer = server.sipPort === 5060 ? server.sipHost : `${server.sipHost}:${server.sipPort}`;
  const credentials = secrets ? device.httpCredentials : null;

  // Without the secret path (a request that did not show it), the phone keeps the path DHCP gave it.
  const configServer: Setting[] = server.configPath
    ? [
        p(212, 1, 'Config upgrade via: 1 = HTTP (a phone that came over TFTP moves to HTTP)'),
        p(237, server.configPath, 'Config server path (the site secret path)'),
        p(145, 0, 'DHCP option 43/66 may not override the path above (a phone that came over TFTP stays on HTTP)'),
      ]
    : [];
  const provisioning: Setting[] = [
    ...configServer,
    // Only with the secrets: a file without them leaves the credentials the phone has alone (blank ones would lock it out).
    ...(credentials ? [p(1360, credentials.username, 'Config server HTTP user name'), p(1361, credentials.password, 'Config server HTTP password')] : []),
    p(6767, 1, 'Firmware upgrade via: 1 = HTTP'),
    p(192, server.firmwarePath, 'Firmware server path'),
    p(194, 1, 'Automatic upgrade: 1 = check every P193 minutes'),
    p(193, 1440, 'Automatic upgrade check interval (minutes)'),
  ];
  const time: Setting[] = [
    p(30, server.ntpServer, 'NTP server'),
    p(64, device.posixTimeZone ? 'customize' : 'auto', 'Time zone: self-defined (P246) or automatic'),
    p(246, device.posixTimeZone ?? '', 'Self-defined time zone (POSIX rule)'),
    p(143, device.posixTimeZone ? 0 : 1, 'Allow DHCP option 2 to override the time zone'),
    p(1362, device.language, 'Display language'),
  ];
  // Grandstream's gain steps: 1 = -6 dB, 0 = 0 dB, 2 = +6 dB.
  const gain = (db: number) => (db < 0 ? 1 : db > 0 ? 2 : 0);
  const audio: Setting[] = [p(1464, gain(device.audio.handsetMicGainDb), 'Handset TX gain (microphone): 1 = -6 dB, 0 = 0 dB, 2 = +6 dB'), p(1301, gain(device.audio.headsetMicGainDb), 'Headset TX gain (microphone)')];
  const network: Setting[] = [p(51, device.vlan?.id ?? 0, 'Layer 2 QoS 802.1Q VLAN tag (0: none)'), p(87, device.vlan?.priority ?? 0, '802.1p priority')];
  const security: Setting[] = secrets && device.adminPassword ? [p(2, device.adminPassword, 'Admin password of the web interface')] : [];

  const accountCount = Math.max(capabilities?.accounts ?? 1, ...context.accounts.map((a) => a.index));
  const accounts = [];
  for (let index = 1; index <= accountCount; index++) {
    const account = context.accounts.find((a) => a.index === index) ?? null;
    accounts.push({ index, number: account?.number ?? '', settings: accountSettings(account && { ...account, password: secrets ? account.password : null }, index, sipServer) });
  }
  const keys = context.keys.flatMap((key) => phoneKeySettings(key, capabilities?.keysPerModule ?? 40));
  const phonebook: Setting[] =
    context.phonebookIntervalMinutes > 0 && server.phonebookPath
      ? [p(330, 1, 'Phonebook XML download: 1 = HTTP'), p(331, server.phonebookPath, 'Phonebook XML server path (the phone adds phonebook.xml)'), p(332, context.phonebookIntervalMinutes, 'Phonebook download interval (minutes)')]
      : [p(330, 0, 'Phonebook XML download: disabled')];
  // Admin overrides: an override may carry secrets (a password P-value) the phone needs; it is the admin's value.
  const extra = Object.entries(context.extraValues).map(([name, value]) => (/^P\d+$/.test(name) ? p(name.slice(1), value, 'Override') : alias(name, value, 'Override')));

  const redirect = context.scope === 'redirect';
  const clean = (settings: Setting[]) => settings.map((s) => ({ ...s, value: xmlSafe(s.value), comment: commentSafe(s.comment) }));
  return {
    mac: context.mac,
    model: capabilities?.model ?? 'unknown model',
    withSecrets: secrets,
    provisioning: clean(provisioning),
    time: redirect ? [] : clean(time),
    network: redirect ? [] : clean(network),
    audio: redirect ? [] : clean(audio),
    security: redirect ? [] : clean(security),
    accounts: redirect ? [] : accounts.map((a) => ({ ...a, number: commentSafe(a.number), settings: clean(a.settings) })),
    keys: redirect ? [] : clean(keys),
    phonebook: redirect ? [] : clean(phonebook),
    extra: redirect ? [] : clean(extra),
  };
}
