import { io, type Socket } from 'socket.io-client';
import { useEffect, useRef } from 'preact/hooks';
import { createStore } from './store';

/**
 * The live connection: socket.io on the same origin, authenticated by the session cookie. The
 * server only sends the events the user's permissions allow. Handlers registered with `on` survive
 * reconnections and a new login.
 */

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';
export const connectionState = createStore<ConnectionState>('disconnected');

type Handler = (payload: unknown, meta?: { at: string; source: string }) => void;
type AnyHandler = (name: string, payload: unknown) => void;
const handlers = new Map<string, Set<Handler>>();
const anyHandlers = new Set<AnyHandler>();
let socket: Socket | null = null;
let onRefused: (() => void) | null = null;

/** Called when the server refuses the socket's credential (the session ended): the shell checks the session. */
export function onConnectionRefused(listener: () => void): void {
  onRefused = listener;
}

export function connect(): void {
  if (socket) return;
  connectionState.set('connecting');
  const s = io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] });
  socket = s;
  s.on('connect', () => connectionState.set('connected'));
  s.on('disconnect', (reason) => {
    connectionState.set(reason === 'io client disconnect' ? 'disconnected' : 'connecting');
    // The server closed the socket (session revoked or expired): socket.io does not retry that on its own.
    if (reason === 'io server disconnect') setTimeout(() => socket === s && s.connect(), 2000);
  });
  s.on('connect_error', (err) => {
    connectionState.set('disconnected');
    if (err.message === 'unauthenticated') onRefused?.();
  });
  s.io.on('reconnect_attempt', () => connectionState.set('connecting'));
  s.onAny((name: string, payload: unknown, meta?: { at: string; source: string }) => {
    for (const handler of [...(handlers.get(name) ?? [])]) handler(payload, meta);
    for (const handler of [...anyHandlers]) handler(name, payload);
  });
}

export function disconnect(): void {
  socket?.disconnect();
  socket = null;
  connectionState.set('disconnected');
}

/** Listens to a server event (e.g. `calls.started`); returns the function that stops listening. */
export function on(name: string, handler: Handler): () => void {
  let set = handlers.get(name);
  if (!set) handlers.set(name, (set = new Set()));
  set.add(handler);
  return () => set!.delete(handler);
}

/** Listens to every event (e.g. to refresh a view on any `calls.` or `telephony.` event). */
export function onAny(handler: AnyHandler): () => void {
  anyHandlers.add(handler);
  return () => anyHandlers.delete(handler);
}

/** Calls `handler` on each of these events while the component is mounted. */
export function useEvents(names: string[], handler: Handler): void {
  const latest = useRef(handler);
  latest.current = handler;
  const key = names.join('|');
  useEffect(() => {
    const offs = names.map((name) => on(name, (payload, meta) => latest.current(payload, meta)));
    return () => offs.forEach((off) => off());
  }, [key]);
}

export const liveSocket = { on, onAny, get state() { return connectionState.get(); }, onState: connectionState.subscribe };
export type LiveSocket = typeof liveSocket;
