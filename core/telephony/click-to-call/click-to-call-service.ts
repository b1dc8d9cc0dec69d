import { randomUUID } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import type { RoleService } from '../../auth/role-service';
import type { CallerNameLookup } from '../../calls/caller-name-lookup';
import type { EventBus } from '../../events/bus';
import type { Logger } from '../../logging/logger';
import { AriRequestError } from '../ari/errors';
import { TelephonyUnavailableError } from '../errors';
import { dialPatternMatches } from '../resources/dial-patterns';
import { Extension } from '../resources/models';
import type { TelephonyResources } from '../resources/resources';
import type { TelephonyService } from '../telephony-service';
import { CLICK_TO_CALL_ROUTE, clickToCallHandler } from './click-to-call-flow';
import { ClickToCallSession, type ClickToCall, type ClickToCallView } from './click-to-call-session';
import { DEFAULT_REGION, dialledNumber } from './dialled-number';
import { ClickToCallError } from './errors';
import { agentOutcome, describeEnd } from './outcomes';

export const CLICK_TO_CALL_EVENT = 'telephony.clickToCall';
export const CALLER_ID_OVERRIDE = 'telephony.callerid.override';
/** The channel variable the generated dialplan (`carillon-from-extension`) takes the override from, on Local channels only. */
export const CALLER_ID_OVERRIDE_VARIABLE = 'CARILLON_CID_OVERRIDE';
/** Calling from another user's extension. */
export const CALL_FROM_ANY_EXTENSION = 'telephony.manage';

declare module '../../events/bus' {
  interface CarillonEvents {
    'telephony.clickToCall': ClickToCallView;
  }
}

export type ClickToCallRequest = ({ userId: number; extensionNumber?: undefined } | { extensionNumber: string; userId?: undefined }) & {
  /** As typed: `06 12 34 56 01`, `+33 6…`, `0044…`, or an internal number. */
  number: string;
  /** What the callee sees instead of the extension's outbound caller ID (`telephony.callerid.override`). */
  callerId?: string;
  /**
   * Who asks (a user of the API): their permissions decide, and calling from someone else's
   * extension needs `telephony.manage`. Without it (a plugin acting by itself), the permissions
   * of the extension's user decide the caller-ID override.
   */
  requestedBy?: { userId: number; permissions: ReadonlySet<string> };
  /** Ring times in seconds (1–600) instead of the service's defaults, e.g. a dialer's shorter ones. */
  ringSeconds?: { agent?: number; callee?: number };
};

export interface ClickToCallOptions {
  /** Region of numbers typed without a country code. */
  region: CountryCode;
  /** How long the user's phone rings. */
  agentRingSeconds: number;
  /** How long the number rings before giving up (the trunk's own Dial() allows 120 s). */
  calleeRingSeconds: number;
  /** Ended calls stay readable (`get`) this long, and at most `keepEnded` of them. */
  keepEndedMs: number;
  keepEnded: number;
}

const DEFAULTS: ClickToCallOptions = { region: DEFAULT_REGION, agentRingSeconds: 30, calleeRingSeconds: 60, keepEndedMs: 60 * 60_000, keepEnded: 1000 };
const CALLER_ID = /^\+?[0-9]{2,20}$/;

interface Deps {
  telephony: TelephonyService;
  telephonyResources: TelephonyResources;
  events: EventBus;
  roleService: RoleService;
  callerNameLookup: CallerNameLookup;
  logger: Logger;
}

/**
 * Click-to-call (container name `clickToCall`): rings the user's extension showing the number
 * it will reach, then, once answered, dials that number as the extension would
 * (`Local/<number>@from-internal` with `CARILLON_CALLER`), so the generated dialplan applies the
 * extension's restriction class, outbound routes, trunk failover and outbound caller ID; bridges both.
 */
export class ClickToCallService {
  private readonly sessions = new Map<string, ClickToCallSession>();
  private readonly options: ClickToCallOptions;
  private stopHandling: (() => void) | null = null;

  constructor(
    private readonly deps: Deps,
    options: Partial<ClickToCallOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Registers the Stasis route the answered leg enters. */
  start(): void {
    this.stopHandling ??= this.deps.telephony.handle(CLICK_TO_CALL_ROUTE, clickToCallHandler((id) => this.sessions.get(id)));
  }

  stop(): void {
    this.stopHandling?.();
    this.stopHandling = null;
  }

  /** A call in progress or ended recently. */
  get(id: string): ClickToCall | null {
    return this.sessions.get(id) ?? null;
  }

  /**
   * Checks everything that can be checked before ringing anyone, then rings the extension.
   * Resolves once its phone is ringing; throws a ClickToCallError when refused.
   */
  async call(request: ClickToCallRequest): Promise<ClickToCall> {
    this.start();
    const number = dialledNumber(request.number, this.options.region);
    if ('problem' in number) throw new ClickToCallError('number_invalid', number.problem);
    const extension = await this.extensionOf(request);
    const callerIdOverride = await this.callerIdOverride(request, extension);
    await this.refuseRestricted(extension, number.dial);
    if (!this.deps.telephony.connected) throw new ClickToCallError('telephony_unavailable', 'Asterisk is not connected at the moment; try again shortly.');

    const name = await this.deps.callerNameLookup.nameOf(number.dial);
    this.prune();
    const session = new ClickToCallSession(
      { id: randomUUID(), extension: extension.number, userId: extension.userId, requestedBy: request.requestedBy?.userId ?? null, number: number.dial, callerIdOverride },
      {
        endpoint: `Local/${number.dial}@from-internal`,
        // Without formats a Local channel negotiates slin192 (six times the CPU).
        formats: 'ulaw',
        // The generated dialplan refuses calls in from-internal without the calling extension, and
        // sends an allowed override to the trunk instead of the extension's outbound caller ID.
        variables: { CARILLON_CALLER: extension.number, ...(callerIdOverride ? { [CALLER_ID_OVERRIDE_VARIABLE]: callerIdOverride } : {}) },
        // What an internal callee sees; towards a trunk the dialplan sets the outbound caller ID
        // (or the override above) over it.
        callerId: callerIdOverride ? { number: callerIdOverride } : { name: extension.name, number: extension.number },
        timeoutSeconds: ringSeconds(request.ringSeconds?.callee, this.options.calleeRingSeconds),
      },
      {
        publish: (view) => this.deps.events.publish(CLICK_TO_CALL_EVENT, view),
        hangupLegs: (s) => this.hangupLegs(s),
        listenerFailed: (err) => this.deps.logger.error({ err }, 'a click-to-call status listener failed'),
      },
    );
    // Registered before the originate: the answer may come before its HTTP response.
    this.sessions.set(session.id, session);
    try {
      const agentCall = await this.deps.telephony.originate({
        endpoint: `PJSIP/${extension.sipUsername}`,
        // The user's phone shows whom they are about to reach.
        callerId: { name, number: number.dial },
        timeoutSeconds: ringSeconds(request.ringSeconds?.agent, this.options.agentRingSeconds),
        route: CLICK_TO_CALL_ROUTE,
        args: [session.id],
      });
      session.open(agentCall.channel, agentCall.ended);
      void agentCall.ended.then((ended) => {
        // Once answered, the Stasis route decides how it ends.
        if (ended.outcome !== 'answered') session.finish(agentOutcome(ended), describeEnd(ended));
      });
    } catch (err) {
      this.sessions.delete(session.id);
      throw refusalOf(err, extension.number);
    }
    this.deps.logger.info({ clickToCall: session.id, extension: extension.number, number: number.dial }, 'click-to-call: ringing the extension');
    return session;
  }

  private async extensionOf(request: ClickToCallRequest): Promise<Extension> {
    const asker = request.requestedBy;
    const mayUseAny = !asker || asker.permissions.has(CALL_FROM_ANY_EXTENSION);
    const forbidden = () => new ClickToCallError('forbidden', `Calling from another user's extension needs the permission "${CALL_FROM_ANY_EXTENSION}".`);
    if (request.extensionNumber !== undefined) {
      const found = await Extension.findOne({ where: { number: request.extensionNumber } });
      if (!found) throw new ClickToCallError('extension_not_found', `No extension ${request.extensionNumber}.`);
      if (!mayUseAny && found.userId !== asker.userId) throw forbidden();
      return found;
    }
    if (!mayUseAny && request.userId !== asker.userId) throw forbidden();
    const found = await Extension.findOne({ where: { userId: request.userId } });
    if (!found) throw new ClickToCallError('no_extension', asker?.userId === request.userId ? 'You have no extension: ask an administrator to link one to your account.' : `User ${request.userId} has no extension.`);
    return found;
  }

  private async callerIdOverride(request: ClickToCallRequest, extension: Extension): Promise<string | null> {
    if (request.callerId === undefined) return null;
    const callerId = request.callerId.replace(/[\s.]/g, '');
    if (!CALLER_ID.test(callerId)) throw new ClickToCallError('callerid_invalid', 'A caller ID is digits with an optional leading +.');
    const permissions = request.requestedBy?.permissions ?? (extension.userId !== null ? await this.deps.roleService.permissionsOfUser(extension.userId) : new Set<string>());
    if (!permissions.has(CALLER_ID_OVERRIDE)) throw new ClickToCallError('callerid_forbidden', `Choosing the caller ID needs the permission "${CALLER_ID_OVERRIDE}".`);
    return callerId;
  }

  /** The dialplan would refuse it the same way (`carillon-class-<class>`), but only after ringing the user. */
  private async refuseRestricted(extension: Extension, dial: string): Promise<void> {
    const restrictionClass = await this.deps.telephonyResources.restrictionClasses.find(extension.restrictionClassId);
    const pattern = restrictionClass.deniedPatterns.find((p) => dialPatternMatches(p, dial));
    if (pattern) throw new ClickToCallError('number_restricted', `Extension ${extension.number} may not call ${dial}: its restriction class "${restrictionClass.name}" denies ${pattern}.`);
  }

  private async hangupLegs(session: ClickToCallSession): Promise<void> {
    await Promise.all([session.agent?.hangup(), session.callee?.hangup()]);
  }

  /** Forgets ended calls past their keeping time, oldest first, and beyond the count kept. */
  private prune(now = Date.now()): void {
    const ended = [...this.sessions.values()].filter((s) => s.endedAtMs !== null);
    let excess = ended.length - this.options.keepEnded;
    for (const session of ended) {
      if (excess > 0 || now - session.endedAtMs! > this.options.keepEndedMs) {
        this.sessions.delete(session.id);
        excess--;
      }
    }
  }
}

function ringSeconds(asked: number | undefined, fallback: number): number {
  return asked === undefined ? fallback : Math.min(600, Math.max(1, Math.round(asked)));
}

/** What an originate failure means for the person who clicked. */
function refusalOf(err: unknown, extension: string): unknown {
  if (err instanceof TelephonyUnavailableError) return new ClickToCallError('telephony_unavailable', err.message);
  if (!(err instanceof AriRequestError)) return err;
  if (err.allocationFailed) return new ClickToCallError('extension_unregistered', `The phone of extension ${extension} is not registered (Asterisk: Allocation failed).`);
  if (err.kind === 'unavailable' || err.kind === 'timeout') return new ClickToCallError('telephony_unavailable', `Asterisk did not take the call: ${err.reason}.`);
  return new ClickToCallError('originate_failed', `Asterisk refused the call: ${err.reason}.`);
}
