import type { RouteCall } from '../../../http/routes';

/** Audit target `<kind>:<id>` from the path, or from the created resource. */
export const targetFromParams = (kind: string) => (call: RouteCall) => `${kind}:${(call.params as { id: number }).id}`;
export const targetFromResult = (kind: string) => (_call: RouteCall, result: unknown) => `${kind}:${(result as { id: number } | undefined)?.id ?? '?'}`;
