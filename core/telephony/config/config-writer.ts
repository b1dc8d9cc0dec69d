import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../logging/logger';
import { readIfExists, writeFileAtomic } from './atomic-file';
import { ConfigRenderer, type AsteriskModule } from './renderer';
import type { TelephonyConfigSnapshot } from './snapshot';
import { transportSections, type TransportRestartTracker } from './transport-restart';

/** Container name `telephonyConfigSource`: the telephony resources, as a snapshot. */
export interface TelephonyConfigSource {
  snapshot(): Promise<TelephonyConfigSnapshot>;
}

/** What the writer needs of the telephony engine: whether ARI is up, and the module reload. */
export interface ModuleReloader {
  readonly connected: boolean;
  rest(): { reloadModule(moduleName: string): Promise<void> };
}

export interface RegenerateResult {
  /** Files whose content changed (written). */
  changed: string[];
  /** Modules reloaded through ARI by this run. */
  reloaded: string[];
}

export interface TelephonyConfigWriterOptions {
  configDir: string;
  recordingsSpool: string;
  /** Resolved at each run: the source may be registered after this writer, or not at all. */
  source: () => TelephonyConfigSource | null;
  /** Used when there is no source, so that Asterisk still gets valid (empty) files. */
  emptySnapshot: () => TelephonyConfigSnapshot;
  telephony: ModuleReloader;
  logger: Logger;
  /** Told when the transports file changes: a changed transport waits for an Asterisk restart. */
  transportRestart: Pick<TransportRestartTracker, 'written'>;
  renderer?: ConfigRenderer;
  /** Test seam for the atomic write (see writeFileAtomic). */
  beforeRename?: (tempFile: string) => Promise<void> | void;
}

/** Reload order: endpoints and trunks before the dialplan that dials them. */
const MODULE_ORDER: AsteriskModule[] = ['res_pjsip.so', 'app_voicemail.so', 'pbx_config.so'];

const TRANSPORTS_FILE = 'pjsip-transports.conf';

/** Modules whose files changed but whose reload has not succeeded yet; survives a restart. */
const PENDING_FILE = '.pending-reloads.json';

/**
 * Writes Asterisk's generated configuration and reloads, through ARI, only the modules whose
 * files changed. A reload that cannot happen (Asterisk unreachable) stays pending, on disk, until
 * the next run; runs never overlap.
 */
export class TelephonyConfigWriter {
  private readonly renderer: ConfigRenderer;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: TelephonyConfigWriterOptions) {
    this.renderer = options.renderer ?? new ConfigRenderer();
  }

  /** Regenerates every file, writes those that changed, reloads what needs it. */
  regenerate(): Promise<RegenerateResult> {
    const run = this.queue.then(() => this.run());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(): Promise<RegenerateResult> {
    const { configDir, logger } = this.options;
    const source = this.options.source();
    if (!source) logger.warn('no telephony configuration source is registered; writing an empty Asterisk configuration');
    const snapshot = source ? await source.snapshot() : this.options.emptySnapshot();
    // Throws on a value that cannot be written safely: then no file is touched.
    const files = this.renderer.render(snapshot, { recordingsSpool: this.options.recordingsSpool });
    await fs.mkdir(configDir, { recursive: true, mode: 0o750 });
    const pending = await this.readPending();
    const changed: string[] = [];
    for (const file of files) {
      const target = path.join(configDir, file.name);
      const existing = await readIfExists(target);
      if (existing === file.content) continue;
      // No address chosen, but transports already written (a system from when 0.0.0.0 was the
      // default): Asterisk runs with them; they stay until the administrator chooses.
      if (file.name === TRANSPORTS_FILE && snapshot.transports.bindAddress === null && existing !== null && Object.keys(transportSections(existing)).length > 0) continue;
      // Recorded before the file changes: a crash between the write and the reload still reloads later.
      if (!pending.has(file.module)) {
        pending.add(file.module);
        await this.writePending(pending);
      }
      await writeFileAtomic(target, file.content, { mode: 0o640, beforeRename: this.options.beforeRename });
      changed.push(file.name);
      if (file.name === TRANSPORTS_FILE && (await this.options.transportRestart.written(existing, file.content))) {
        logger.warn('SIP transports changed: the new bind address or port takes effect when Asterisk restarts');
      }
    }
    const reloaded: string[] = [];
    if (pending.size > 0 && this.options.telephony.connected) {
      for (const module of MODULE_ORDER.filter((m) => pending.has(m))) {
        try {
          await this.options.telephony.rest().reloadModule(module);
          pending.delete(module);
          reloaded.push(module);
        } catch (err) {
          logger.warn({ err, module }, 'cannot reload an Asterisk module; it will be retried');
        }
      }
      await this.writePending(pending);
    }
    if (changed.length || reloaded.length) logger.info({ changed, reloaded, pending: [...pending] }, 'Asterisk configuration regenerated');
    return { changed, reloaded };
  }

  private async readPending(): Promise<Set<AsteriskModule>> {
    const text = await readIfExists(path.join(this.options.configDir, PENDING_FILE));
    if (!text) return new Set();
    try {
      const parsed: unknown = JSON.parse(text);
      return new Set(Array.isArray(parsed) ? parsed.filter((m): m is AsteriskModule => MODULE_ORDER.includes(m as AsteriskModule)) : []);
    } catch {
      // A damaged marker: reload everything once rather than miss a change.
      return new Set(MODULE_ORDER);
    }
  }

  private async writePending(pending: Set<AsteriskModule>): Promise<void> {
    const file = path.join(this.options.configDir, PENDING_FILE);
    if (pending.size === 0) await fs.rm(file, { force: true });
    else await writeFileAtomic(file, JSON.stringify([...pending]), { mode: 0o640 });
  }
}
