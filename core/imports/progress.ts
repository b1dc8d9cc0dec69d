/**
 * The progress of an import (or any batch), as its events carry it so a shell's progress bar can
 * follow: `plan` while rows are read and checked, `apply` while they are written; `total` is null
 * while a streamed file is still being counted. An importer's event adds which import it is.
 */
export interface ImportProgressCounts {
  phase: 'plan' | 'apply';
  processed: number;
  total: number | null;
  done: boolean;
}
