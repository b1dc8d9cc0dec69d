// The part of ari-client 2.2.0 (untyped JavaScript) that Carillon uses. Operations are generated
// at run time from Asterisk's Swagger listing, so they are typed loosely here and narrowed in
// ari-rest.ts.
declare module 'ari-client' {
  import type { EventEmitter } from 'node:events';

  export type AriOperation = (params?: Record<string, unknown>) => Promise<unknown>;
  export type AriResource = Record<string, AriOperation | undefined>;

  export interface AriClient extends EventEmitter {
    channels: AriResource;
    bridges: AriResource;
    playbacks: AriResource;
    recordings: AriResource;
    applications: AriResource;
    asterisk: AriResource;
    endpoints: AriResource;
    /** Opens the event WebSocket for these Stasis applications; resolves on the first open. */
    start(apps: string | string[], subscribeAll?: boolean): Promise<void>;
    /** Closes the event WebSocket on purpose (no automatic reconnect). */
    stop(): void;
  }

  export function connect(url: string, user: string, pass: string): Promise<AriClient>;
}
