import type { CallChannel } from '../call-channel';
import type { CallEnded } from '../call-events';
import { CallNotAnsweredError } from '../errors';
import type { CallHandler, Telephony } from '../telephony-service';
import type { ClickToCallSession } from './click-to-call-session';
import { calleeOutcome, describeEnd } from './outcomes';

/** The Stasis route the extension's leg enters once answered: `Stasis(<app>,carillon-click-to-call,<id>)`. */
export const CLICK_TO_CALL_ROUTE = 'carillon-click-to-call';

/**
 * Runs once the user's phone answered: dials the number through `from-internal`, bridges both legs
 * when it answers, and ends both when either hangs up. It runs as a telephony handler, so when it
 * throws the telephony hangs up every channel it originated and destroys its bridge.
 */
export function clickToCallHandler(findSession: (id: string) => ClickToCallSession | undefined): CallHandler {
  return async ({ channel: agent, args, telephony }) => {
    const session = findSession(args[0] ?? '');
    // Unknown (Carillon restarted while it rang) or already ended: returning leaves the lone
    // channel to the telephony, which hangs it up.
    if (!session || session.status === 'ended') return;
    try {
      await connect(session, agent, telephony);
    } catch (err) {
      session.finish('failed', (err as Error).message);
      throw err;
    }
  };
}

type CalleeFate = { kind: 'answered'; channel: CallChannel } | { kind: 'not_answered'; ended: CallEnded } | { kind: 'agent_left' };

async function connect(session: ClickToCallSession, agent: CallChannel, telephony: Telephony): Promise<void> {
  session.move('agent_answered');
  if (session.cancelRequested) {
    await agent.hangup();
    session.finish('cancelled');
    return;
  }
  const callee = await telephony.originate(session.calleeLeg);
  session.callee = callee.channel;
  session.move('dialing', { calleeChannelId: callee.channel.id });
  const fate = await Promise.race<CalleeFate>([
    callee.answered.then(
      (channel) => ({ kind: 'answered', channel }),
      (err: unknown) => {
        if (err instanceof CallNotAnsweredError) return { kind: 'not_answered', ended: err.ended };
        throw err;
      },
    ),
    agent.left().then(() => ({ kind: 'agent_left' })),
  ]);
  if (fate.kind === 'agent_left') {
    await callee.channel.hangup();
    await callee.ended;
    session.finish('cancelled', 'The user hung up before the number answered.');
    return;
  }
  if (fate.kind === 'not_answered') {
    await agent.hangup();
    session.finish(calleeOutcome(fate.ended), describeEnd(fate.ended));
    return;
  }
  const bridge = await telephony.createBridge({ name: `click-to-call-${session.id}` });
  await bridge.add(agent, fate.channel);
  session.move('connected', { connectedAt: new Date().toISOString() });
  await Promise.race([agent.left(), fate.channel.left()]);
  // Either side hanging up ends the call for both.
  await Promise.all([agent.hangup(), fate.channel.hangup()]);
  await bridge.destroy();
  await Promise.all([session.agentEnded, callee.ended]);
  session.finish('completed');
}
