import { useI18n } from '../lib/i18n';
import { ProgressBar, progressLabel, useOperations } from '../lib/progress';

/** Long operations running on the server (imports, exports), whatever page is open. */
export function Operations() {
  useI18n();
  const operations = useOperations();
  if (!operations.length) return null;
  return (
    <div class="operations" role="status" aria-live="polite" data-testid="operations">
      {operations.map((op) => (
        <ProgressBar key={op.key} label={progressLabel(op)} done={op.processed} total={op.total} finished={op.finished} />
      ))}
    </div>
  );
}
