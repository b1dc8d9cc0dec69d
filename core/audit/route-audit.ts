import type { MountedRoute, RouteCall } from '../http/routes';
import { isSecretName, secretFieldsOf, secretValuesIn } from './changes';

// What the dispatcher needs to audit a route's change: its secrets, and one change at a time per resource.

function declaredSecrets(route: MountedRoute): Set<string> {
  const declared = new Set(secretFieldsOf(route.def.input?.body));
  for (const name of (route.def.audit || undefined)?.secretFields ?? []) declared.add(name);
  return declared;
}

/** Values of the request body under secret fields (declared in the schema or the route, or named like one). */
export function requestSecrets(route: MountedRoute, call: RouteCall): Set<string> {
  return secretValuesIn(call.body ?? (call.koa.request as { body?: unknown }).body, declaredSecrets(route));
}

/** Top-level secret fields the request set (a new password), to list as changed without values. */
export function secretsSent(route: MountedRoute, call: RouteCall): string[] {
  const body = call.body;
  if (!body || typeof body !== 'object') return [];
  const declared = declaredSecrets(route);
  return Object.entries(body as Record<string, unknown>)
    .filter(([name, value]) => value !== undefined && (declared.has(name) || isSecretName(name)))
    .map(([name]) => name);
}

/** Per snapshot function (one per kind of resource), the last turn taken for each resource key. */
const turns = new WeakMap<object, Map<string, Promise<unknown>>>();

/** Runs `work` after every earlier turn on the same resource has finished (whatever their outcome). */
export async function oneAtATime(kind: object, key: string, work: () => Promise<void>): Promise<void> {
  let queue = turns.get(kind);
  if (!queue) turns.set(kind, (queue = new Map()));
  const previous = queue.get(key) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(work);
  const settled = mine.catch(() => undefined);
  queue.set(key, settled);
  try {
    await mine;
  } finally {
    // The last in line clears the entry, so the map holds only resources being changed right now.
    if (queue.get(key) === settled) queue.delete(key);
  }
}
