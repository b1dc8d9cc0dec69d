import fs from 'node:fs/promises';
import path from 'node:path';
import { readIfExists, writeFileAtomic } from './atomic-file';

/** What the UI shows: whether Asterisk still runs with transports other than the generated ones. */
export interface TransportRestartStatus {
  pending: boolean;
  /** When the generated transports last changed in a way only a restart applies. */
  since: string | null;
  /** Asterisk's start (ARI GET /asterisk/info status.startup_time); null when it cannot be asked. */
  asteriskStartedAt: string | null;
}

interface PendingState {
  since: string;
  /** The transport sections Asterisk runs with (name -> section text), from before the change. */
  running: Record<string, string>;
}

const STATE_FILE = '.transports-pending-restart.json';

/** `[name]` sections of a pjsip-transports.conf, without comments and blank lines. */
export function transportSections(content: string): Record<string, string> {
  const sections: Record<string, string> = {};
  let current: string | null = null;
  for (const raw of content.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      current = header[1]!;
      sections[current] = '';
    } else if (current !== null) sections[current] += `${line}\n`;
  }
  return sections;
}

/**
 * Tracks a transport change that waits for an Asterisk restart. A res_pjsip reload creates a
 * transport that did not exist, but keeps the sockets of one that did: a changed bind address or
 * port (or a removed transport) applies only once Asterisk restarts. The state lives next to the
 * generated files, so it survives a Carillon restart; it is cleared once Asterisk reports a start
 * later than the change.
 */
export class TransportRestartTracker {
  constructor(
    private readonly configDir: string,
    private readonly startupTime: () => Promise<string | null>,
  ) {}

  /** Called by the writer once it replaced pjsip-transports.conf (`before` null: there was none); true when a restart is now pending. */
  async written(before: string | null, after: string, at = new Date()): Promise<boolean> {
    const state = await this.read();
    const running = state?.running ?? transportSections(before ?? '');
    const next = transportSections(after);
    const needsRestart = Object.entries(running).some(([name, text]) => next[name] !== text);
    if (needsRestart) await writeFileAtomic(this.file, JSON.stringify({ since: at.toISOString(), running } satisfies PendingState), { mode: 0o640 });
    else await fs.rm(this.file, { force: true });
    return needsRestart;
  }

  /** Whether a restart is still pending; asks Asterisk when it started, and forgets a change it has applied. */
  async status(): Promise<TransportRestartStatus> {
    const asteriskStartedAt = await this.startupTime().catch(() => null);
    const state = await this.read();
    if (state && asteriskStartedAt && Date.parse(asteriskStartedAt) > Date.parse(state.since)) {
      await fs.rm(this.file, { force: true });
      return { pending: false, since: null, asteriskStartedAt };
    }
    return { pending: state !== null, since: state?.since ?? null, asteriskStartedAt };
  }

  private get file(): string {
    return path.join(this.configDir, STATE_FILE);
  }

  private async read(): Promise<PendingState | null> {
    const text = await readIfExists(this.file);
    if (!text) return null;
    try {
      const parsed = JSON.parse(text) as PendingState;
      return typeof parsed.since === 'string' && parsed.running && typeof parsed.running === 'object' ? parsed : null;
    } catch {
      // A damaged marker: pending until Asterisk says when it started.
      return { since: new Date(0).toISOString(), running: {} };
    }
  }
}
