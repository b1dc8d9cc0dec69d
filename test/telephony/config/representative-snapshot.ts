import type { TelephonyConfigSnapshot } from '../../../core/telephony/config/snapshot';

/**
 * A small office: four extensions (a WebRTC one, one in do-not-disturb, one forwarding, one
 * recorded), an operator trunk that registers, a peer IPBX, DIDs to every destination kind,
 * outbound routes with failover and a restriction class, both ring-group strategies.
 */
export function representativeSnapshot(): TelephonyConfigSnapshot {
  const noForward = { unconditional: null, busy: null, noAnswer: null, noAnswerSeconds: 20 };
  return {
    stasisApp: 'carillon',
    transports: { udpPort: 5060, tcpPort: 5060, wssEnabled: true, bindAddress: '0.0.0.0', externalAddress: '203.0.113.10', localNetworks: ['192.168.1.0/24', '10.0.0.0/8'] },
    extensions: [
      {
        id: 1, number: '201', name: 'Alice Martin', sipUsername: 'alice', sipPassword: 'Zx8;kP2q#vL9', codecs: ['opus', 'g722', 'alaw'], maxContacts: 3, webrtc: true,
        voicemail: { enabled: true, email: 'alice@example.com' }, recording: 'always', restrictionClass: 'Standard', outboundCallerId: '+33123456789', doNotDisturb: false,
        forwarding: { unconditional: null, busy: null, noAnswer: null, noAnswerSeconds: 25 },
      },
      {
        id: 2, number: '202', name: 'Bruno Petit', sipUsername: 'bruno', sipPassword: 'Qw7mN4rT8yU2', codecs: ['alaw', 'ulaw'], maxContacts: 1, webrtc: false,
        voicemail: { enabled: true, email: null }, recording: 'on_demand', restrictionClass: 'No international', outboundCallerId: null, doNotDisturb: false,
        forwarding: { unconditional: null, busy: '203', noAnswer: '0612345678', noAnswerSeconds: 15 },
      },
      {
        id: 3, number: '203', name: 'Chloé Durand', sipUsername: 'chloe', sipPassword: 'Hj5vB9nM3kL7', codecs: ['g722', 'alaw'], maxContacts: 2, webrtc: false,
        voicemail: { enabled: false, email: null }, recording: 'never', restrictionClass: 'Standard', outboundCallerId: null, doNotDisturb: true,
        forwarding: noForward,
      },
      {
        id: 4, number: '204', name: 'Accueil', sipUsername: 'accueil', sipPassword: 'Rt6yU8iO2pA4', codecs: ['alaw'], maxContacts: 1, webrtc: false,
        voicemail: { enabled: false, email: null }, recording: 'never', restrictionClass: 'No international', outboundCallerId: null, doNotDisturb: false,
        forwarding: { unconditional: '201', busy: null, noAnswer: null, noAnswerSeconds: 20 },
      },
    ],
    trunks: [
      { kind: 'operator', id: 1, name: 'OVH', host: 'sip.example.net', port: 5060, transport: 'udp', username: '0033123456789', password: 'op-secret', fromDomain: 'sip.example.net', fromUser: '0033123456789', register: true, codecs: ['alaw', 'g729'], maxChannels: 10 },
      { kind: 'operator', id: 2, name: 'Backup SIP', host: '198.51.100.7', port: 5080, transport: 'tcp', username: 'backup', password: 'b4ckup', fromDomain: null, fromUser: null, register: false, codecs: ['alaw'], maxChannels: null },
      { kind: 'peer', id: 3, name: 'Lyon office PBX', username: 'lyon-pbx', password: 'Pe3rS3cret99', allowedAddresses: ['192.0.2.20', '192.0.2.0/28'], codecs: ['alaw', 'g722'], maxChannels: 4 },
    ],
    inboundRoutes: [
      { id: 1, did: '+33123456789', callerPattern: null, destination: { type: 'schedule', scheduleId: 1, open: { type: 'ringGroup', number: '600' }, closed: { type: 'voicemail', number: '201' } }, recording: 'always' },
      { id: 2, did: '+33123456790', callerPattern: null, destination: { type: 'extension', number: '202' }, recording: 'on_demand' },
      { id: 3, did: '+33123456791', callerPattern: null, destination: { type: 'application', route: 'callback-widget', args: ['queue', 'sales'] }, recording: 'never' },
      { id: 4, did: '+33123456792', callerPattern: '_+331X.', destination: { type: 'ringGroup', number: '601' }, recording: 'never' },
      { id: 5, did: '+33123456793', callerPattern: null, destination: { type: 'voicemail', number: '202' }, recording: 'never' },
      { id: 6, did: null, callerPattern: null, destination: { type: 'hangup' }, recording: 'never' },
    ],
    outboundRoutes: [
      { id: 2, name: 'International', priority: 20, patterns: ['_00.'], stripDigits: 2, prepend: '+', trunkIds: [1], recording: 'always' },
      { id: 1, name: 'France', priority: 10, patterns: ['_0[1-9]XXXXXXXX'], stripDigits: 1, prepend: '+33', trunkIds: [1, 2], recording: 'on_demand' },
      { id: 4, name: 'Emergency', priority: 1, patterns: ['112', '15', '17', '18'], stripDigits: 0, prepend: '', trunkIds: [1, 2], recording: 'never' },
      { id: 3, name: 'Lyon office', priority: 5, patterns: ['_4XX'], stripDigits: 0, prepend: '', trunkIds: [3], recording: 'never' },
    ],
    restrictionClasses: [
      { name: 'Standard', deniedPatterns: ['_089XXXXXXX'] },
      { name: 'No international', deniedPatterns: ['_00.', '_089XXXXXXX'] },
    ],
    ringGroups: [
      { id: 1, number: '600', name: 'Sales', strategy: 'ring_all', members: ['201', '202', '203'], ringSeconds: 20, fallback: { type: 'voicemail', number: '201' } },
      { id: 2, number: '601', name: 'Support', strategy: 'hunt', members: ['202', '201'], ringSeconds: 15, fallback: { type: 'application', route: 'overflow', args: [] } },
    ],
    schedules: [
      {
        id: 1, name: 'Office hours', timeZone: 'Europe/Paris', override: null, holidays: ['2026-12-25', '2027-01-01'],
        weekly: [
          { day: 1, open: '09:00', close: '12:30' }, { day: 1, open: '14:00', close: '18:00' },
          { day: 2, open: '09:00', close: '18:00' }, { day: 5, open: '09:00', close: '17:00' },
        ],
      },
      { id: 2, name: 'Holiday closure', timeZone: 'America/Montreal', override: 'closed', holidays: [], weekly: [{ day: 1, open: '08:00', close: '24:00' }] },
    ],
  };
}
