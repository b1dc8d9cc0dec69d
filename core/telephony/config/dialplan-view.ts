import type { ExtensionConfig, InboundRouteConfig, OutboundRouteConfig, RingGroupConfig, TelephonyConfigSnapshot } from './snapshot';
import * as v from './conf-values';
import { DestinationRenderer, step, UNANSWERED, type Step } from './destinations';
import type { PjsipView } from './pjsip-view';
import { scheduleView, type ScheduleView } from './schedule-view';

/** What the dialplan and voicemail templates print: every value already checked. */
export interface DialplanView {
  stasisApp: string;
  recordingsSpool: string;
  /** Extension and ring-group numbers dialled from phones. */
  internalNumbers: Array<{ number: string; context: 'carillon-ext' | 'carillon-ringgroup'; comment: string }>;
  callers: CallerView[];
  extensions: ExtensionDialView[];
  endpointNumbers: Array<{ endpoint: string; number: string }>;
  voicemailBoxes: Array<{ number: string; name: string; email: string }>;
  ringGroups: RingGroupView[];
  schedules: ScheduleView[];
  /** `name` is the context suffix, `label` the class as people named it. */
  classes: Array<{ name: string; label: string; denied: string[] }>;
  routes: RouteView[];
  inbound: Array<{ id: number; comment: string; extens: string[]; recordAlways: boolean; recordOnDemand: boolean; steps: Step[] }>;
}

export interface CallerView {
  number: string;
  restrictionClass: string;
  recording: string;
  /** Dial() options for the caller: X lets it start a recording (automixmon) when on demand. */
  dialOptions: string;
  outboundCallerId: string;
}

export interface ExtensionDialView {
  number: string;
  comment: string;
  dnd: Step[] | null;
  forward: Step[] | null;
  endpoints: string[];
  ringSeconds: number;
  recordAlways: boolean;
  dialOptions: string;
  busy: Step[];
  noAnswer: Step[];
}

export interface RingGroupView {
  number: string;
  comment: string;
  ringAll: boolean;
  members: Array<{ number: string; endpoints: string[] }>;
  skipped: string[];
  ringSeconds: number;
  recordAlways: boolean;
  fallback: Step[];
}

export interface RouteView {
  id: number;
  comment: string;
  patterns: string[];
  /** `<prepend>${EXTEN:<strip>}` */
  number: string;
  trunks: Array<{ endpoint: string; maxChannels: number }>;
  recordAlways: boolean;
  recordOnDemand: boolean;
}

function recordingPolicy(field: string, value: string): 'never' | 'always' | 'on_demand' {
  if (value !== 'never' && value !== 'always' && value !== 'on_demand') throw new v.ConfigValueError(field, 'expected never, always or on_demand');
  return value;
}

export function dialplanView(snapshot: TelephonyConfigSnapshot, pjsip: PjsipView, recordingsSpool: string): DialplanView {
  const stasisApp = v.contextPart('stasisApp', snapshot.stasisApp);
  const spool = v.absolutePath('recordingsSpool', recordingsSpool.replace(/\/+$/, ''));
  const extensions = new Map<string, { config: ExtensionConfig; endpoints: string[]; index: number }>();
  snapshot.extensions.forEach((e, i) => {
    const endpoint = pjsip.extensions[i];
    if (extensions.has(endpoint.number)) throw new v.ConfigValueError(`extensions[${i}].number`, `number ${endpoint.number} is used twice`);
    extensions.set(endpoint.number, { config: e, endpoints: endpoint.webrtc ? [endpoint.name, endpoint.webrtc.name] : [endpoint.name], index: i });
  });
  const ringGroupNumbers = new Set<string>();
  snapshot.ringGroups.forEach((g, i) => {
    const number = v.internalNumber(`ringGroups[${i}].number`, g.number);
    if (extensions.has(number) || ringGroupNumbers.has(number)) throw new v.ConfigValueError(`ringGroups[${i}].number`, `number ${number} is already used`);
    ringGroupNumbers.add(number);
  });
  const scheduleIds = new Set(snapshot.schedules.map((s) => s.id));
  // Class names are free text; their contexts get a slug of it, unique.
  const classContexts = new Map<string, string>();
  const classes = snapshot.restrictionClasses.map((c, i) => {
    const label = v.displayText(`restrictionClasses[${i}].name`, c.name);
    if (classContexts.has(c.name)) throw new v.ConfigValueError(`restrictionClasses[${i}].name`, `the class "${label}" exists twice`);
    const base = label.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 32) || 'class';
    const taken = new Set(classContexts.values());
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
    classContexts.set(c.name, slug);
    return { name: slug, label, denied: c.deniedPatterns.map((p, j) => v.dialPattern(`restrictionClasses[${i}].deniedPatterns[${j}]`, p)) };
  });

  const destinations = new DestinationRenderer({
    stasisApp,
    hasExtension: (n) => extensions.has(n),
    hasVoicemail: (n) => extensions.get(n)?.config.voicemail.enabled === true,
    hasRingGroup: (n) => ringGroupNumbers.has(n),
    hasSchedule: (id) => scheduleIds.has(id),
  });

  const voicemail = (number: string, greeting: 'b' | 'u'): Step[] => [step(`Set(CARILLON_VM_GREETING=${greeting})`), step(`Goto(carillon-voicemail,${number},1)`)];
  const forwardTo = (field: string, target: string, restrictionClass: string): Step[] => {
    const number = v.dialledNumber(field, target);
    if (extensions.has(number)) return [step(`Goto(carillon-ext,${number},1)`)];
    if (ringGroupNumbers.has(number)) return [step(`Goto(carillon-ringgroup,${number},1)`)];
    // An outside number goes through the outbound routes, under the forwarding extension's restrictions.
    return [step(`Goto(carillon-class-${restrictionClass},${number},1)`)];
  };

  const callers: CallerView[] = [];
  const extensionViews: ExtensionDialView[] = [];
  for (const [number, { config: e, endpoints, index: i }] of extensions) {
    const at = `extensions[${i}]`;
    const restrictionClass = classContexts.get(e.restrictionClass);
    if (!restrictionClass) throw new v.ConfigValueError(`${at}.restrictionClass`, `no restriction class ${JSON.stringify(e.restrictionClass)}`);
    recordingPolicy(`${at}.recording`, e.recording);
    callers.push({
      number,
      restrictionClass,
      recording: e.recording,
      dialOptions: e.recording === 'on_demand' ? 'X' : '',
      outboundCallerId: e.outboundCallerId === null ? '' : v.dialledNumber(`${at}.outboundCallerId`, e.outboundCallerId),
    });
    if (e.voicemail.enabled && e.voicemail.email !== null) v.email(`${at}.voicemail.email`, e.voicemail.email);
    const f = e.forwarding;
    const hasVm = e.voicemail.enabled;
    extensionViews.push({
      number,
      comment: pjsip.extensions[i].comment,
      dnd: e.doNotDisturb ? (hasVm ? voicemail(number, 'b') : [step('Hangup(17)')]) : null,
      forward: f.unconditional ? forwardTo(`${at}.forwarding.unconditional`, f.unconditional, restrictionClass) : null,
      endpoints,
      ringSeconds: v.integer(`${at}.forwarding.noAnswerSeconds`, f.noAnswerSeconds, 5, 600),
      recordAlways: e.recording === 'always',
      dialOptions: e.recording === 'on_demand' ? 'x' : '',
      busy: f.busy ? forwardTo(`${at}.forwarding.busy`, f.busy, restrictionClass) : hasVm ? voicemail(number, 'b') : UNANSWERED,
      noAnswer: f.noAnswer ? forwardTo(`${at}.forwarding.noAnswer`, f.noAnswer, restrictionClass) : hasVm ? voicemail(number, 'u') : UNANSWERED,
    });
  }

  const ringGroups = snapshot.ringGroups.map((g: RingGroupConfig, i): RingGroupView => {
    const at = `ringGroups[${i}]`;
    if (g.strategy !== 'ring_all' && g.strategy !== 'hunt') throw new v.ConfigValueError(`${at}.strategy`, 'expected ring_all or hunt');
    const members = g.members.map((m, j) => {
      const number = v.internalNumber(`${at}.members[${j}]`, m);
      const found = extensions.get(number);
      if (!found) throw new v.ConfigValueError(`${at}.members[${j}]`, `no extension ${number}`);
      return found;
    });
    return {
      number: g.number,
      comment: `${g.number} ${v.displayText(`${at}.name`, g.name)}`.trim(),
      ringAll: g.strategy === 'ring_all',
      // Members in do-not-disturb are left out until they leave it (the configuration is regenerated then).
      members: members.filter((m) => !m.config.doNotDisturb).map((m) => ({ number: m.config.number, endpoints: m.endpoints })),
      skipped: members.filter((m) => m.config.doNotDisturb).map((m) => m.config.number),
      ringSeconds: v.integer(`${at}.ringSeconds`, g.ringSeconds, 5, 600),
      recordAlways: members.some((m) => m.config.recording === 'always'),
      fallback: destinations.render(`${at}.fallback`, g.fallback, true),
    };
  });

  const trunks = new Map<number, { endpoint: string; maxChannels: number }>();
  snapshot.trunks.forEach((t) => {
    const view = t.kind === 'operator' ? pjsip.operatorTrunks.find((o) => o.name === `trunk-${t.id}`) : pjsip.peerTrunks.find((p) => p.name === t.username);
    if (view) trunks.set(t.id, { endpoint: view.name, maxChannels: view.maxChannels });
  });
  const routes = [...snapshot.outboundRoutes]
    .sort((a, b) => a.priority - b.priority || a.id - b.id)
    .map((r: OutboundRouteConfig): RouteView => {
      const at = `outboundRoutes[${snapshot.outboundRoutes.indexOf(r)}]`;
      const strip = v.integer(`${at}.stripDigits`, r.stripDigits, 0, 32);
      if (r.patterns.length === 0) throw new v.ConfigValueError(`${at}.patterns`, 'at least one dial pattern is needed');
      if (r.trunkIds.length === 0) throw new v.ConfigValueError(`${at}.trunkIds`, 'at least one trunk is needed');
      const recording = recordingPolicy(`${at}.recording`, r.recording);
      return {
        id: v.integer(`${at}.id`, r.id, 1, Number.MAX_SAFE_INTEGER),
        comment: `${v.displayText(`${at}.name`, r.name)} (priority ${v.integer(`${at}.priority`, r.priority, -1_000_000, 1_000_000)})`,
        patterns: r.patterns.map((p, j) => v.dialPattern(`${at}.patterns[${j}]`, p)),
        number: `${v.prefix(`${at}.prepend`, r.prepend)}${strip > 0 ? `\${EXTEN:${strip}}` : '${EXTEN}'}`,
        trunks: r.trunkIds.map((id, j) => {
          const trunk = trunks.get(id);
          if (!trunk) throw new v.ConfigValueError(`${at}.trunkIds[${j}]`, `no trunk ${id}`);
          return trunk;
        }),
        recordAlways: recording === 'always',
        recordOnDemand: recording === 'on_demand',
      };
    });

  const inbound = snapshot.inboundRoutes.map((r: InboundRouteConfig, i) => {
    const at = `inboundRoutes[${i}]`;
    const caller = r.callerPattern === null ? '' : `/${v.dialPattern(`${at}.callerPattern`, r.callerPattern)}`;
    // The catch-all route answers any DID, and `s` for operators that send none.
    const extens = r.did === null ? ['_X.', '_+X.', 's'] : [v.did(`${at}.did`, r.did)];
    const recording = recordingPolicy(`${at}.recording`, r.recording);
    return {
      id: v.integer(`${at}.id`, r.id, 1, Number.MAX_SAFE_INTEGER),
      comment: r.did === null ? 'any other DID' : `DID ${r.did}${caller ? ` from ${caller.slice(1)}` : ''}`,
      extens: extens.map((e) => `${e}${caller}`),
      recordAlways: recording === 'always',
      recordOnDemand: recording === 'on_demand',
      steps: destinations.render(`${at}.destination`, r.destination),
    };
  });

  return {
    stasisApp,
    recordingsSpool: spool,
    internalNumbers: [
      ...extensionViews.map((e) => ({ number: e.number, context: 'carillon-ext' as const, comment: e.comment })),
      ...ringGroups.map((g) => ({ number: g.number, context: 'carillon-ringgroup' as const, comment: g.comment })),
    ],
    callers,
    extensions: extensionViews,
    endpointNumbers: [...extensions.values()].flatMap((e) => e.endpoints.map((endpoint) => ({ endpoint, number: e.config.number }))),
    voicemailBoxes: [...extensions.values()]
      .filter((e) => e.config.voicemail.enabled)
      .map((e) => ({ number: e.config.number, name: pjsip.extensions[e.index].displayName.replace(/[,|]/g, ' '), email: e.config.voicemail.email ?? '' })),
    ringGroups,
    schedules: snapshot.schedules.map(scheduleView),
    classes,
    routes,
    inbound,
  };
}
