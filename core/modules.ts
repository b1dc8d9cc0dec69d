import type { CoreModule } from './core-module';

/** Core modules, in start order (stopped in reverse). */
export const CORE_MODULES: CoreModule[] = [];
