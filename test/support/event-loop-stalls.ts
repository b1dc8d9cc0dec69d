import { monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export interface EventLoopStalls {
  /** The longest wait of a 1 ms timer beyond its millisecond, as monitorEventLoopDelay saw it (wall clock). */
  wallMaxMs: number;
  /**
   * The longest stall the code under test caused: each gap between two ticks of a 1 ms timer,
   * counted for no more than the CPU time the process used during it, less the garbage
   * collections within it. A loop held by running code burns CPU for the whole gap; a process the
   * kernel set aside (two cores shared by busy processes) burns none, and a collection pauses
   * the whole test process, whose heap holds every test run before this one: neither is the
   * code under test holding the loop.
   */
  ownMaxMs: number;
  /** The longest garbage collection seen in the window (reported beside the stall, never hidden). */
  gcMaxMs: number;
}

interface Span {
  start: number;
  end: number;
}

/** Watches the event loop at 1 ms resolution until `stop()`. */
export function watchEventLoop(): { stop(): EventLoopStalls } {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const collections: Span[] = [];
  const record = (entries: PerformanceEntry[]) => {
    for (const entry of entries) collections.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  };
  const observer = new PerformanceObserver((list) => record(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const gaps: Array<Span & { cpuMs: number }> = [];
  let lastAt = performance.now();
  let lastCpu = process.cpuUsage();
  const tick = setInterval(() => {
    const at = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    // Only gaps that could matter are kept: the loop ticks every millisecond otherwise.
    if (at - lastAt > 5) gaps.push({ start: lastAt, end: at, cpuMs: (cpu.user + cpu.system) / 1000 });
    lastAt = at;
    lastCpu = process.cpuUsage();
  }, 1);
  return {
    stop() {
      clearInterval(tick);
      histogram.disable();
      record(observer.takeRecords());
      observer.disconnect();
      const collected = (gap: Span) => collections.reduce((sum, gc) => sum + Math.max(0, Math.min(gap.end, gc.end) - Math.max(gap.start, gc.start)), 0);
      const ownMaxMs = gaps.reduce((max, gap) => Math.max(max, Math.min(gap.end - gap.start - 1, gap.cpuMs) - collected(gap)), 0);
      const gcMaxMs = collections.reduce((max, gc) => Math.max(max, gc.end - gc.start), 0);
      return { wallMaxMs: Math.max(0, histogram.max / 1e6 - 1), ownMaxMs, gcMaxMs };
    },
  };
}
