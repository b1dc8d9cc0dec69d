import type { Model, ModelStatic, Sequelize, Transaction } from 'sequelize';
import type { Mac } from '../mac';

/**
 * A number that moves whenever a row of the watched models is written through Sequelize
 * (instances and bulk operations alike, whatever service writes them), once at the write and
 * once more when its transaction commits: a reader that loaded during the transaction saw the
 * old rows, and its copy is then already out of date.
 */
export class ModelRevision {
  private value = 0;

  constructor(sequelize: Sequelize, models: Array<ModelStatic<Model>>) {
    const watched = new Set<unknown>(models);
    const onWrite = (model: unknown, options: { transaction?: Transaction | null } | undefined) => {
      if (!watched.has(model)) return;
      this.value++;
      options?.transaction?.afterCommit(() => void this.value++);
    };
    // Hooks on the Sequelize instance run for every model it holds, so the watch survives a model being re-initialised.
    for (const name of ['afterSave', 'afterDestroy', 'afterRestore'] as const) sequelize.addHook(name, (instance: Model, options: { transaction?: Transaction | null }) => onWrite(instance.constructor, options));
    sequelize.addHook('afterBulkCreate', (_instances: Model[], options: { model?: unknown; transaction?: Transaction | null }) => onWrite(options.model, options));
    for (const name of ['afterBulkUpdate', 'afterBulkDestroy', 'afterBulkRestore'] as const) sequelize.addHook(name, (options: { model?: unknown; transaction?: Transaction | null }) => onWrite(options.model, options));
    sequelize.addHook('afterUpsert', (_created: unknown, options: { model?: unknown; transaction?: Transaction | null }) => onWrite(options.model, options));
  }

  get current(): number {
    return this.value;
  }
}

/**
 * Loaded phones kept between fetches, each valid while nothing it is made of changed, and loaded
 * together: phones that ask while a read is in flight (a thousand rebooting after a power cut)
 * are read in one query as soon as it returns, not one query each. Phones not found are not kept
 * (a scan of MACs would fill the cache). Bounded: the oldest entries go first.
 */
export class LoadedDeviceCache<T> {
  private readonly entries = new Map<Mac, { revision: number; loaded: Promise<T | null> }>();
  /** The phones waiting for the next read. */
  private waiting: { macs: Set<Mac>; run: () => void; loaded: Promise<Map<Mac, T>> } | null = null;
  private reading = 0;

  constructor(
    private readonly revision: ModelRevision,
    private readonly loadMany: (macs: Mac[]) => Promise<Map<Mac, T>>,
    private readonly limit = 10_000,
  ) {}

  get(mac: Mac): Promise<T | null> {
    const revision = this.revision.current;
    const cached = this.entries.get(mac);
    if (cached && cached.revision === revision) return cached.loaded;
    // The revision is read before loading: a write that lands during the load makes this copy stale at once.
    const loaded = this.load(mac);
    this.entries.delete(mac);
    this.entries.set(mac, { revision, loaded });
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
    const forget = () => {
      if (this.entries.get(mac)?.loaded === loaded) this.entries.delete(mac);
    };
    loaded.then((value) => value === null && forget(), forget);
    return loaded;
  }

  private load(mac: Mac): Promise<T | null> {
    if (!this.waiting) {
      let run!: () => void;
      const macs = new Set<Mac>();
      const loaded = new Promise<void>((resolve) => (run = resolve)).then(() => this.loadMany([...macs]));
      this.waiting = { macs, run, loaded };
      // Nothing in flight: read once this turn's other requests have asked. Otherwise, when the read in flight returns.
      if (!this.reading) setImmediate(() => this.read());
    }
    const batch = this.waiting;
    batch.macs.add(mac);
    if (batch.macs.size >= BATCH_LIMIT) this.read();
    return batch.loaded.then((found) => found.get(mac) ?? null);
  }

  private read(): void {
    const batch = this.waiting;
    if (!batch) return;
    this.waiting = null;
    this.reading++;
    const done = () => {
      if (--this.reading === 0) this.read();
    };
    batch.loaded.then(done, done);
    batch.run();
  }
}

const BATCH_LIMIT = 500;
