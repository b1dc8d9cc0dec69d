import { countSnapshot, type PacingPolicy, type PacingSnapshot } from './types';

/**
 * Agent-driven modes (manual dialling, preview, inbound reception): the dialer never places a
 * call on its own, so the pacer always answers zero.
 */
export class AgentDrivenPolicy implements PacingPolicy {
  constructor(readonly name: 'manual' | 'preview' | 'inbound') {}

  callsToPlace(): number {
    return 0;
  }

  observe(): void {}
}

/**
 * `callsPerReadyAgent` calls in flight for every ready agent. 1 is progressive dialling (an agent
 * is always free when a person answers, so nothing is abandoned); 2 is the classic fixed-ratio
 * "power" dialler.
 */
export class FixedRatioPolicy implements PacingPolicy {
  readonly name: string;

  constructor(private readonly callsPerReadyAgent: number) {
    this.name = callsPerReadyAgent === 1 ? 'progressive' : `fixed ${callsPerReadyAgent}:1`;
  }

  callsToPlace(snapshot: PacingSnapshot): number {
    const c = countSnapshot(snapshot);
    const inFlight = c.ringing + c.screening + c.waiting;
    const wanted = Math.floor(this.callsPerReadyAgent * c.ready) - inFlight;
    return Math.max(0, Math.min(wanted, snapshot.linesAvailable));
  }

  observe(): void {}
}
