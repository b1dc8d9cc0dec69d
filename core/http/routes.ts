import type { Context } from 'koa';
import type { z } from 'zod';
import type { Identity } from '../auth/authenticator';
import type { LocalisedText } from '../i18n/localised-text';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteInput {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface RouteCall<I extends RouteInput = RouteInput> {
  params: Out<I['params']>;
  query: Out<I['query']>;
  body: Out<I['body']>;
  /** Null only on public routes. */
  identity: Identity | null;
  ip: string;
  requestId: string;
  /** The Koa context, for streaming responses or headers; most handlers never need it. */
  koa: Context;
}

export interface RouteAudit {
  /** Defaults to the route id. */
  action?: string;
  /** What was changed, e.g. `user:12`; defaults to the request path. */
  target?: (call: RouteCall, result: unknown) => string | null;
  /** What the action means to a person, shown in the audit log (core keeps its own list). */
  description?: LocalisedText;
  /**
   * The changed resource as the API shows it, read before the handler (`result` undefined) and
   * after it succeeded: the audit log keeps the field-by-field difference. Return null when there
   * is none (before a create, after a delete). A throw is logged and only loses the difference.
   */
  snapshot?: (call: RouteCall, result: unknown) => unknown;
  /** Fields holding secrets, masked in the difference (names that look secret are masked anyway). */
  secretFields?: string[];
  /** Fields left out of the difference (default: updatedAt, createdAt, version). */
  ignoreFields?: string[];
}

/**
 * A route, declared as data. `permission` is a catalogue permission, or `'authenticated'`
 * (any logged-in user), or `'public'` (no login).
 */
export interface RouteDefinition<I extends RouteInput = RouteInput> {
  /** Stable operation id, e.g. `users.create`. */
  id: string;
  method: HttpMethod;
  /** Koa-router path, `:name` for parameters. */
  path: string;
  summary: string;
  description?: string;
  permission: string;
  input?: I;
  /** Documented response schema for the success status. */
  output?: z.ZodType;
  /** Success status when the handler returns a value (default 200, or 204 for undefined). */
  status?: number;
  /** State-changing routes are audited unless this is false. */
  audit?: RouteAudit | false;
  /** Session-authenticated state-changing calls need the CSRF header unless this is false. */
  csrf?: boolean;
  handler: (call: RouteCall<I>) => unknown;
}

/** Keeps the types of a route's input flowing into its handler. */
export function defineRoute<I extends RouteInput>(route: RouteDefinition<I>): RouteDefinition<I> {
  return route;
}

export interface MountedRoute {
  def: RouteDefinition;
  owner: string;
  fullPath: string;
  /** A disabled plugin's routes answer 404 at once, without a restart. */
  isEnabled: () => boolean;
}

/** The one route table: dispatch and the OpenAPI document both read it. */
export class RouteTable {
  private readonly routes: MountedRoute[] = [];
  private readonly listeners = new Set<(route: MountedRoute) => void>();

  add(owner: string, prefix: string, def: RouteDefinition<RouteInput>, isEnabled: () => boolean = () => true): MountedRoute {
    const fullPath = `${prefix}${def.path === '/' ? '' : def.path}` || '/';
    const clash = this.routes.find((r) => r.fullPath === fullPath && r.def.method === def.method);
    if (clash) throw new Error(`Route ${def.method} ${fullPath} is already declared by ${clash.owner}`);
    if (this.routes.some((r) => r.def.id === def.id)) throw new Error(`Route id "${def.id}" is already used`);
    const mounted: MountedRoute = { def: def as RouteDefinition, owner, fullPath, isEnabled };
    this.routes.push(mounted);
    for (const listener of this.listeners) listener(mounted);
    return mounted;
  }

  list(): readonly MountedRoute[] {
    return this.routes;
  }

  /** Calls `listener` for every route, present and future. */
  onRoute(listener: (route: MountedRoute) => void): void {
    for (const route of this.routes) listener(route);
    this.listeners.add(listener);
  }
}
