import { HttpError } from '../http/problem';
import type { RouteCall } from '../http/routes';

type Key = string | number;

/**
 * An `audit.snapshot` that reads a resource as the API shows it, by the key in the path (`:id` by
 * default) or, for a create, the key of the created resource. A resource that does not exist
 * (before a create, after a delete) is null.
 */
export function snapshotByKey(read: (key: never) => unknown, options: { param?: string; resultKey?: string; renamedBy?: string } = {}) {
  const param = options.param ?? 'id';
  const resultKey = options.resultKey ?? param;
  return async (call: RouteCall, result: unknown): Promise<unknown> => {
    const fromPath = (call.params as Record<string, Key> | undefined)?.[param];
    // After a rename (roles are keyed by name), the resource answers to its new key.
    const renamed = result !== undefined && options.renamedBy ? (call.body as Record<string, Key> | undefined)?.[options.renamedBy] : undefined;
    const fromResult = result && typeof result === 'object' ? (result as Record<string, Key>)[resultKey] : undefined;
    const key = renamed ?? fromPath ?? (result !== undefined ? fromResult : undefined);
    if (key === undefined || key === null) return null;
    try {
      return await read(key as never);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return null;
      throw err;
    }
  };
}

/** An `audit.snapshot` for a singleton resource (settings): the same read before and after. */
export function snapshotOf(read: () => unknown) {
  return async (): Promise<unknown> => read();
}
