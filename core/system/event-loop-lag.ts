import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Event-loop delay over the last complete window, in milliseconds. */
export interface EventLoopLag {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** The window these figures cover. */
  windowSeconds: number;
}


const EARLY_REUSE_MS = 1_000;

/**
 * How late the event loop runs what is due (perf_hooks' monitorEventLoopDelay, sampled every
 * `resolutionMs`): anything that holds it (a large file rendered in one go, a long synchronous
 * parse) delays HTTP answers, ARI events and every timer by as much. Figures cover the last
 * complete window (one minute by default), so a probe reads a stable value and a stall stays
 * visible for a full window after it happened.
 */
export class EventLoopLagMonitor {
  private histogram: IntervalHistogram | null = null;
  private rotation: NodeJS.Timeout | null = null;
  private last: EventLoopLag | null = null;
  private windowStarted = 0;
  private early: { at: number; figures: EventLoopLag | null } | null = null;

  constructor(private readonly options: { resolutionMs?: number; windowMs?: number } = {}) {}

  start(): void {
    if (this.histogram) return;
    this.histogram = monitorEventLoopDelay({ resolution: this.options.resolutionMs ?? 10 });
    this.histogram.enable();
    this.windowStarted = Date.now();
    this.rotation = setInterval(() => this.rotate(), this.options.windowMs ?? 60_000);
    // A monitor never keeps the process alive.
    this.rotation.unref();
  }

  stop(): void {
    this.histogram?.disable();
    this.histogram = null;
    this.early = null;
    if (this.rotation) clearInterval(this.rotation);
    this.rotation = null;
  }

  /**
   * The last complete window, or the current one until a window has completed; null when not
   * started. The current window's figures are worked out at most once a second: health is asked
   * thousands of times a second under load, and the histogram's mean walks all its buckets.
   */
  snapshot(): EventLoopLag | null {
    if (this.last) return this.last;
    const now = Date.now();
    if (!this.early || now - this.early.at >= EARLY_REUSE_MS) this.early = { at: now, figures: this.current() };
    return this.early.figures;
  }

  /** Ends the current window: its figures become the snapshot, and a new window starts. */
  rotate(): EventLoopLag | null {
    const figures = this.current();
    if (figures) this.last = figures;
    this.histogram?.reset();
    this.windowStarted = Date.now();
    return figures;
  }

  private current(): EventLoopLag | null {
    const h = this.histogram;
    if (!h) return null;
    // The histogram holds whole sampling intervals: the lag is what exceeds the resolution.
    const resolutionNs = (this.options.resolutionMs ?? 10) * 1e6;
    const lag = (ns: number) => (h.count ? Math.round(Math.max(0, ns - resolutionNs) / 1e4) / 100 : 0);
    return { p50Ms: lag(h.percentile(50)), p99Ms: lag(h.percentile(99)), maxMs: lag(h.max), meanMs: lag(h.mean), windowSeconds: Math.round((Date.now() - this.windowStarted) / 1000) };
  }
}
