import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from './forms';
import { t } from './i18n';

/** Building blocks shared by pages: page frame, notices, pager, confirmation dialog. */

export function Page(props: { title: string; actions?: ComponentChildren; children: ComponentChildren; wide?: boolean }) {
  useEffect(() => {
    document.title = `${props.title} · ${t('app.name')}`;
  }, [props.title]);
  return (
    <section class={`page${props.wide ? ' page-wide' : ''}`} aria-labelledby="page-title">
      <header class="page-header">
        <h1 id="page-title" tabIndex={-1}>
          {props.title}
        </h1>
        {props.actions && <div class="page-actions">{props.actions}</div>}
      </header>
      {props.children}
    </section>
  );
}

export function Notice(props: { kind?: 'error' | 'info' | 'success' | 'warning'; children: ComponentChildren }) {
  const kind = props.kind ?? 'info';
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

export function Loading() {
  return (
    <p class="loading" role="status" aria-live="polite">
      {t('common.loading')}
    </p>
  );
}

export function Pager(props: { offset: number; limit: number; total: number; onOffset: (offset: number) => void }) {
  const { offset, limit, total } = props;
  if (total <= limit && offset === 0) return null;
  return (
    <nav class="pager" aria-label={t('common.pageOf', { from: offset + 1, to: Math.min(total, offset + limit), total })}>
      <button type="button" disabled={offset === 0} onClick={() => props.onOffset(Math.max(0, offset - limit))}>
        {t('common.previous')}
      </button>
      <span>{t('common.pageOf', { from: total ? offset + 1 : 0, to: Math.min(total, offset + limit), total })}</span>
      <button type="button" disabled={offset + limit >= total} onClick={() => props.onOffset(offset + limit)}>
        {t('common.next')}
      </button>
    </nav>
  );
}

/**
 * A modal dialog (native `<dialog>`: focus trapped, Escape closes); focus returns to what opened it.
 */
export function Dialog(props: { title: string; open: boolean; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) {
      opener.current = document.activeElement;
      dialog.showModal();
      // Straight to the first field (the browser would pick the close button in the header).
      dialog.querySelector<HTMLElement>('.dialog-body :is(input, select, textarea, button):not([disabled])')?.focus();
    } else if (!props.open && dialog.open) {
      dialog.close();
      (opener.current as HTMLElement | null)?.focus?.();
    }
  }, [props.open]);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="dialog-title" onCancel={(e) => { e.preventDefault(); props.onClose(); }}>
      {props.open && (
        <>
          <header class="dialog-header">
            <h2 id="dialog-title">{props.title}</h2>
            <button type="button" class="icon" aria-label={t('common.close')} onClick={props.onClose}>
              ×
            </button>
          </header>
          <div class="dialog-body">{props.children}</div>
        </>
      )}
    </dialog>
  );
}

/** Asks before a destructive action; the action's error is shown in the dialog. */
export function ConfirmDialog(props: { open: boolean; message: string; confirmLabel?: string; onConfirm: () => Promise<unknown>; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (props.open) setError(null);
  }, [props.open]);
  return (
    <Dialog title={t('common.confirm')} open={props.open} onClose={props.onClose}>
      <p>{props.message}</p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="button" onClick={props.onClose}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await props.onConfirm();
              props.onClose();
            } catch (err) {
              setError(errorMessage(err));
            } finally {
              setBusy(false);
            }
          }}
        >
          {props.confirmLabel ?? t('common.delete')}
        </button>
      </div>
    </Dialog>
  );
}

/**
 * Loads data for a page and reloads it on demand; `error` holds a readable message. Only the last
 * load started is applied: a reload (a save, a live event) aborts the one in flight, so an older
 * answer arriving late never replaces a newer one. `setData` (a live change applied in place)
 * during a load makes that load start again, since its answer may predate the change.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): { data: T | null; error: unknown; loading: boolean; reload: () => void; setData: (value: T) => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const inFlight = useRef(false);
  useEffect(() => {
    const controller = new AbortController();
    inFlight.current = true;
    setLoading(true);
    load(controller.signal)
      .then((value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(null);
      })
      .catch((err) => {
        if (!controller.signal.aborted) setError(err);
      })
      .finally(() => {
        if (controller.signal.aborted) return;
        inFlight.current = false;
        setLoading(false);
      });
    return () => controller.abort();
  }, [...deps, tick]);
  const reload = () => setTick((n) => n + 1);
  return {
    data,
    error,
    loading,
    reload,
    setData: (value) => {
      setData(value);
      if (inFlight.current) reload();
    },
  };
}
