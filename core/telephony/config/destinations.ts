import type { Destination } from './snapshot';
import * as v from './conf-values';

/** One dialplan priority: ` same => n(label),app`. */
export interface Step {
  /** Empty for none (the templates are strict: every field must exist). */
  label: string;
  app: string;
}

export function step(app: string, label = ''): Step {
  return { label, app };
}

/** Ends a call Dial() did not connect with the cause phones show right (busy 486, otherwise 480): see carillon-unanswered. */
export const UNANSWERED: Step[] = [step('Goto(carillon-unanswered,s,1)')];

/** What a destination needs to know about the rest of the configuration. */
export interface DestinationScope {
  stasisApp: string;
  hasExtension(number: string): boolean;
  hasVoicemail(number: string): boolean;
  hasRingGroup(number: string): boolean;
  hasSchedule(id: number): boolean;
}

/**
 * Renders a destination as dialplan steps that end the extension (each ends in a Goto, a
 * GotoIf to two labels, or a Hangup): extensions, ring groups and voicemail are contexts of
 * their own, a schedule branches inline to two labelled sub-destinations.
 */
export class DestinationRenderer {
  private labels = 0;

  constructor(private readonly scope: DestinationScope) {}

  /**
   * `afterDial`: the destination follows a Dial() nobody answered (a ring group's fallback), so a
   * hang-up there says why (busy, no answer, unavailable) instead of passing on Dial()'s cause.
   */
  render(field: string, destination: Destination, afterDial = false): Step[] {
    switch (destination.type) {
      case 'extension': {
        const number = v.internalNumber(`${field}.number`, destination.number);
        if (!this.scope.hasExtension(number)) throw new v.ConfigValueError(field, `no extension ${number}`);
        return [step(`Goto(carillon-ext,${number},1)`)];
      }
      case 'ringGroup': {
        const number = v.internalNumber(`${field}.number`, destination.number);
        if (!this.scope.hasRingGroup(number)) throw new v.ConfigValueError(field, `no ring group ${number}`);
        return [step(`Goto(carillon-ringgroup,${number},1)`)];
      }
      case 'voicemail': {
        const number = v.internalNumber(`${field}.number`, destination.number);
        if (!this.scope.hasVoicemail(number)) throw new v.ConfigValueError(field, `extension ${number} has no voicemail`);
        return [step(`Goto(carillon-voicemail,${number},1)`)];
      }
      case 'hangup':
        return afterDial ? UNANSWERED : [step('Hangup()')];
      case 'application': {
        const route = v.stasisRoute(`${field}.route`, destination.route);
        const args = destination.args.map((arg, i) => v.stasisArg(`${field}.args[${i}]`, arg));
        // Handled by Carillon; when it gives the channel back (or is not connected), hang up.
        return [step(`Stasis(${[this.scope.stasisApp, route, ...args].join(',')})`), step('Hangup()')];
      }
      case 'schedule': {
        const id = v.integer(`${field}.scheduleId`, destination.scheduleId, 1, Number.MAX_SAFE_INTEGER);
        if (!this.scope.hasSchedule(id)) throw new v.ConfigValueError(field, `no schedule ${id}`);
        const n = ++this.labels;
        const open = this.render(`${field}.open`, destination.open, afterDial);
        const closed = this.render(`${field}.closed`, destination.closed, afterDial);
        return [
          step(`Gosub(carillon-schedule-${id},s,1)`),
          step(`GotoIf(${'${GOSUB_RETVAL}'}?open${n}:closed${n})`),
          step(open[0].app, `open${n}`),
          ...open.slice(1),
          // The call log reads this hint as "closed", whatever happens on this branch.
          step('Set(CARILLON_HINT=closed)', `closed${n}`),
          step('Gosub(carillon-userfield,s,1)'),
          ...closed,
        ];
      }
      default:
        throw new v.ConfigValueError(field, `unknown destination type ${JSON.stringify((destination as { type: unknown }).type)}`);
    }
  }
}
