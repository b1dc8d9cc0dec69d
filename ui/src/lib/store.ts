import { useEffect, useState } from 'preact/hooks';

/** A value shared across the shell with subscribers: small enough not to need a state library. */
export interface Store<T> {
  get(): T;
  set(value: T): void;
  update(change: (value: T) => T): void;
  subscribe(listener: (value: T) => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<(value: T) => void>();
  const store: Store<T> = {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of [...listeners]) listener(value);
    },
    update: (change) => store.set(change(value)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return store;
}

/** Re-renders the component whenever the store changes. */
export function useStore<T>(store: Store<T>): T {
  const value = store.get();
  const [, setTick] = useState(0);
  useEffect(() => {
    const unsubscribe = store.subscribe(() => setTick((n) => n + 1));
    // Effects run after paint (later still in a background tab): a change made in between, such as
    // the session read at page load, has no listener yet and would leave the shell on "Loading…".
    if (!Object.is(store.get(), value)) setTick((n) => n + 1);
    return unsubscribe;
  }, [store]);
  return value;
}
