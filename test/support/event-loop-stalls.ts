import fs from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export interface EventLoopStalls {
  /** The longest wait of a 1 ms timer beyond its millisecond, as monitorEventLoopDelay saw it (wall clock). */
  wallMaxMs: number;
  /**
   * The longest stall the code under test caused: each gap between two ticks of a 1 ms timer,
   * counted for no more than the CPU time the main thread used during it, less the share of the
   * gap that garbage collections took. A loop held by running code burns CPU for the whole gap;
   * a thread the kernel set aside (two cores shared by busy processes) burns none, and a
   * collection pauses the whole test process, whose heap holds every test run before this one:
   * neither is the code under test holding the loop.
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
  let lastCpu = mainThreadCpuMs();
  const tick = setInterval(() => {
    const at = performance.now();
    const cpu = mainThreadCpuMs();
    // Only gaps that could matter are kept: the loop ticks every millisecond otherwise.
    if (at - lastAt > 5) gaps.push({ start: lastAt, end: at, cpuMs: cpu - lastCpu });
    lastAt = at;
    lastCpu = cpu;
  }, 1);
  return {
    stop() {
      clearInterval(tick);
      histogram.disable();
      record(observer.takeRecords());
      observer.disconnect();
      const collected = (gap: Span) => collections.reduce((sum, gc) => sum + Math.max(0, Math.min(gap.end, gc.end) - Math.max(gap.start, gc.start)), 0);
      // Collections are timed on the wall clock, the gap's work on the CPU: the share of the gap
      // they took is taken off the CPU time (a loaded machine stretches both alike).
      const own = (gap: Span & { cpuMs: number }) => Math.min(gap.end - gap.start - 1, gap.cpuMs) * Math.max(0, 1 - collected(gap) / (gap.end - gap.start));
      const ownMaxMs = gaps.reduce((max, gap) => Math.max(max, own(gap)), 0);
      const gcMaxMs = collections.reduce((max, gc) => Math.max(max, gc.end - gc.start), 0);
      return { wallMaxMs: Math.max(0, histogram.max / 1e6 - 1), ownMaxMs, gcMaxMs };
    },
  };
}

/**
 * CPU time of the main thread, the one that runs the event loop, in milliseconds. On Linux,
 * /proc/self/schedstat is the thread group leader's own run time in nanoseconds (within a
 * scheduler tick): the collector's helper threads, libuv's pool and worker threads, which
 * process.cpuUsage() adds in, do not hold the loop. Elsewhere, the whole process's time.
 */
function mainThreadCpuMs(): number {
  try {
    return Number(fs.readFileSync('/proc/self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const cpu = process.cpuUsage();
    return (cpu.user + cpu.system) / 1000;
  }
}
