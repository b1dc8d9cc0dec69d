import { useEffect, useState } from 'preact/hooks';
import { formatNumber, hasString, t } from './i18n';
import { onAny } from './socket';

/**
 * Progress of long operations (imports, exports). Servers publish events whose payload carries
 * `processed` (or `done` as a number), `total` (null when unknown yet) and `done: true` at the end,
 * e.g. `directory.importProgress`; the shell shows every running one, a page may show its own.
 */

export interface Progress {
  /** Event name + operation id: one bar per operation. */
  key: string;
  event: string;
  processed: number;
  total: number | null;
  finished: boolean;
  phase?: string;
}

/** Reads a progress payload, or null when the event is something else. */
export function readProgress(event: string, payload: unknown): Progress | null {
  if (!payload || typeof payload !== 'object') return null;
  const p = payload as Record<string, unknown>;
  const processed = typeof p.processed === 'number' ? p.processed : typeof p.done === 'number' ? p.done : null;
  if (processed === null || !('total' in p)) return null;
  const id = p.importId ?? p.exportId ?? p.jobId ?? p.id ?? '';
  return {
    key: `${event}:${String(id)}`,
    event,
    processed,
    total: typeof p.total === 'number' ? p.total : null,
    finished: p.done === true || p.finished === true,
    phase: typeof p.phase === 'string' ? p.phase : undefined,
  };
}

/** A phase in words: `progress.phase.<phase>` while running, `progress.phaseDone.<phase>` (or "finished") once done. */
export function phaseText(phase: string | undefined, finished: boolean): string {
  if (finished) return t(phase && hasString(`progress.phaseDone.${phase}`) ? `progress.phaseDone.${phase}` : 'progress.phaseDone.');
  if (!phase) return '';
  return hasString(`progress.phase.${phase}`) ? t(`progress.phase.${phase}`) : phase;
}

/**
 * The label of an operation: `progress.<event>` with `{phase}` when known, else the event name. A
 * finished operation says what was done (`progress.phaseDone.<phase>`: "file checked", "done"),
 * not the phase it was in ("importing").
 */
export function progressLabel(progress: Progress): string {
  const key = `progress.${progress.event}`;
  const label = t(key, { phase: phaseText(progress.phase, progress.finished) });
  if (label !== key) return label;
  // An operation without words of its own: its event name, and whether it has finished.
  return progress.finished ? `${progress.event}: ${phaseText(undefined, true)}` : progress.event;
}

/** Running operations seen on the socket; finished ones stay a moment so the person sees them end. */
export function useOperations(filter?: (event: string) => boolean): Progress[] {
  const [operations, setOperations] = useState<Map<string, Progress>>(new Map());
  useEffect(() => {
    const timers = new Set<number>();
    const off = onAny((event, payload) => {
      if (filter && !filter(event)) return;
      const progress = readProgress(event, payload);
      if (!progress) return;
      setOperations((current) => new Map(current).set(progress.key, progress));
      if (progress.finished) {
        const timer = window.setTimeout(() => {
          timers.delete(timer);
          setOperations((current) => {
            const next = new Map(current);
            if (next.get(progress.key)?.finished) next.delete(progress.key);
            return next;
          });
        }, 3000);
        timers.add(timer);
      }
    });
    return () => {
      off();
      timers.forEach((timer) => window.clearTimeout(timer));
    };
  }, []);
  return [...operations.values()];
}

/** A progress bar; `total` null shows an indeterminate bar. */
export function ProgressBar(props: { label: string; done: number; total: number | null; finished?: boolean }) {
  const { done, total } = props;
  const known = total !== null && total > 0;
  return (
    <div class="progress" data-finished={props.finished ? 'true' : undefined}>
      <div class="progress-label">
        <span>{props.label}</span>
        <span>{known ? t('common.progress', { done: formatNumber(done), total: formatNumber(total!) }) : props.finished ? t('progress.finished') : done ? formatNumber(done) : ''}</span>
      </div>
      <progress max={known ? total! : undefined} value={known ? Math.min(done, total!) : props.finished ? 1 : undefined} aria-label={props.label}>
        {known ? `${Math.round((done / total!) * 100)} %` : ''}
      </progress>
    </div>
  );
}
