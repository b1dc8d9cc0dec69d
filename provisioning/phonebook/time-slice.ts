/**
 * Long work done in slices: `await slice.pause()` inside a loop hands the event loop back (HTTP,
 * ARI events, timers) once `budgetMs` of work has run since the last pause, and costs nothing
 * otherwise. The work takes about as long; nobody else waits for it.
 */
export class TimeSlice {
  private started = performance.now();

  constructor(private readonly budgetMs = 8) {}

  async pause(): Promise<void> {
    if (performance.now() - this.started < this.budgetMs) return;
    // setImmediate, not a microtask: pending I/O callbacks and timers run before the work resumes.
    await new Promise((resolve) => setImmediate(resolve));
    this.started = performance.now();
  }
}

/**
 * A stable sort that pauses between steps: runs of `RUN` sorted natively (each takes well under
 * a millisecond), then merged pairwise, pausing every `RUN` elements merged.
 */
export async function sortInSlices<T>(items: T[], compare: (a: T, b: T) => number, slice: TimeSlice): Promise<T[]> {
  let runs: T[][] = [];
  for (let start = 0; start < items.length; start += RUN) {
    runs.push(items.slice(start, start + RUN).sort(compare));
    await slice.pause();
  }
  while (runs.length > 1) {
    const merged: T[][] = [];
    for (let i = 0; i < runs.length; i += 2) merged.push(i + 1 < runs.length ? await merge(runs[i]!, runs[i + 1]!, compare, slice) : runs[i]!);
    runs = merged;
  }
  return runs[0] ?? [];
}

const RUN = 256;

async function merge<T>(left: T[], right: T[], compare: (a: T, b: T) => number, slice: TimeSlice): Promise<T[]> {
  const out: T[] = new Array<T>(left.length + right.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++) {
    // Ties keep the left run's element first: the sort stays stable.
    out[k] = j >= right.length || (i < left.length && compare(left[i]!, right[j]!) <= 0) ? left[i++]! : right[j++]!;
    if (k % RUN === RUN - 1) await slice.pause();
  }
  return out;
}
