import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../lib/i18n';
import { ProgressBar, progressLabel, useOperations } from '../lib/progress';

/**
 * Long operations running on the server (imports, exports), whatever page is open, in a box fixed
 * at the bottom of the window. The page gets that box's height as bottom padding
 * (`--operations-height`), so its last row can still be scrolled above the box and clicked.
 */
export function Operations() {
  useI18n();
  const operations = useOperations();
  const box = useRef<HTMLDivElement>(null);
  const shown = operations.length > 0;
  useEffect(() => {
    const root = document.documentElement;
    if (!shown || !box.current) {
      root.style.removeProperty('--operations-height');
      return;
    }
    const element = box.current;
    const observer = new ResizeObserver(() => root.style.setProperty('--operations-height', `${element.offsetHeight}px`));
    observer.observe(element);
    return () => {
      observer.disconnect();
      root.style.removeProperty('--operations-height');
    };
  }, [shown]);
  if (!shown) return null;
  return (
    <div class="operations" role="status" aria-live="polite" data-testid="operations" ref={box}>
      {operations.map((op) => (
        <ProgressBar key={op.key} label={progressLabel(op)} done={op.processed} total={op.total} finished={op.finished} />
      ))}
    </div>
  );
}
