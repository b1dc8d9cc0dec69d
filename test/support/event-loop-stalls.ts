import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface EventLoopStalls {
  /** The longest wait of a 1 ms timer beyond its millisecond, as monitorEventLoopDelay saw it (wall clock). */
  wallMaxMs: number;
  /**
   * The longest stall this process caused itself: each gap between two ticks of a 1 ms timer,
   * counted for no more than the CPU time the process used during it. A loop held by our own
   * code burns CPU for the whole gap; a process the kernel set aside (two cores shared by a
   * dozen busy processes) burns none, and that wait is not ours to assert on.
   */
  ownMaxMs: number;
}

/** Watches the event loop at 1 ms resolution until `stop()`. */
export function watchEventLoop(): { stop(): EventLoopStalls } {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let lastAt = performance.now();
  let lastCpu = process.cpuUsage();
  let ownMaxMs = 0;
  const tick = setInterval(() => {
    const at = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const gapMs = at - lastAt - 1;
    ownMaxMs = Math.max(ownMaxMs, Math.min(gapMs, (cpu.user + cpu.system) / 1000));
    lastAt = at;
    lastCpu = process.cpuUsage();
  }, 1);
  return {
    stop() {
      clearInterval(tick);
      histogram.disable();
      return { wallMaxMs: Math.max(0, histogram.max / 1e6 - 1), ownMaxMs };
    },
  };
}
