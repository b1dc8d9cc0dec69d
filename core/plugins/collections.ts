/**
 * Lists several plugins add to (provisioning vendors, phonebook sources, call destinations…).
 * Items are listed while the plugin that contributed them runs.
 */
export class CollectionRegistry {
  private readonly items = new Map<string, Array<{ owner: string; item: unknown }>>();
  private isActive: (owner: string) => boolean = () => true;

  /** Only items of running owners are listed: a stopped plugin's contributions disappear with it. */
  setActive(predicate: (owner: string) => boolean): void {
    this.isActive = predicate;
  }

  contribute(collection: string, owner: string, item: unknown): void {
    const list = this.items.get(collection) ?? [];
    list.push({ owner, item });
    this.items.set(collection, list);
  }

  list<T>(collection: string): T[] {
    return (this.items.get(collection) ?? []).filter((entry) => entry.owner === 'core' || this.isActive(entry.owner)).map((entry) => entry.item as T);
  }
}
