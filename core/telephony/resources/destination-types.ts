/**
 * Where a call goes, as stored and as the API shows it: by id, so that renumbering an extension or
 * a ring group never breaks a route. The configuration snapshot resolves ids to numbers.
 */
export type StoredDestination =
  | { type: 'extension'; extensionId: number }
  | { type: 'ringGroup'; ringGroupId: number }
  | { type: 'voicemail'; extensionId: number }
  | { type: 'hangup' }
  /** A route a plugin (or core) registered in `callDestinations`; the call enters the Stasis application. */
  | { type: 'application'; route: string; args: string[] }
  | { type: 'schedule'; scheduleId: number; open: StoredDestination; closed: StoredDestination };

/** Every destination inside `destination`, itself included (schedule branches are walked). */
export function flattenDestination(destination: StoredDestination): StoredDestination[] {
  if (destination.type !== 'schedule') return [destination];
  return [destination, ...flattenDestination(destination.open), ...flattenDestination(destination.closed)];
}
