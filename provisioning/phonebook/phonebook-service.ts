import { createHash } from 'node:crypto';
import type { CollectionRegistry } from '../../core/plugins/collections';
import type { Logger } from '../../core/logging/logger';
import type { ProvisioningVendor } from '../vendors/vendor';
import { PHONEBOOK_SOURCES, type Phonebook, type PhonebookEntry, type PhonebookSource } from './phonebook-source';
import { sortInSlices, TimeSlice } from './time-slice';

export interface RenderedPhonebook {
  body: Buffer;
  /** Strong validator of this content (sent as ETag). */
  etag: string;
  /** The newest change among the sources (sent as Last-Modified). */
  lastModified: Date;
}

const CHUNK = 64 * 1024;

/** Entries in phonebook order: last name, then first name, in the default collation (as localeCompare had it). */
const collator = new Intl.Collator();
const byName = (a: PhonebookEntry, b: PhonebookEntry) => collator.compare(a.lastName, b.lastName) || collator.compare(a.firstName, b.firstName);

/**
 * The phonebook phones download, merged from every contributed source. Rendered once per
 * vendor and content version: the version is the list of sources with their revision (or
 * `changedAt()`), so a directory edit makes the next download regenerate it, and a thousand
 * phones asking for the same version share one rendering. The rendering runs in slices
 * (merging, sorting, writing a contact at a time) that hand the event loop back every few
 * milliseconds: a directory of thousands takes as long to render, but nothing else waits.
 */
export class PhonebookService {
  private readonly cache = new Map<string, { version: string; rendered: Promise<RenderedPhonebook> }>();

  constructor(
    private readonly collections: CollectionRegistry,
    private readonly logger: Logger,
  ) {}

  sources(): PhonebookSource[] {
    return this.collections.list<PhonebookSource>(PHONEBOOK_SOURCES);
  }

  version(): string {
    return this.sources()
      .map((s) => `${s.id}@${s.revision?.() ?? ''}@${s.changedAt().getTime()}`)
      .join(',');
  }

  render(vendor: ProvisioningVendor): Promise<RenderedPhonebook> {
    const version = this.version();
    const cached = this.cache.get(vendor.id);
    if (cached && cached.version === version) return cached.rendered;
    const rendered = this.build(vendor, version);
    this.cache.set(vendor.id, { version, rendered });
    // A failed rendering is not kept: the next phone tries again.
    rendered.catch(() => {
      if (this.cache.get(vendor.id)?.rendered === rendered) this.cache.delete(vendor.id);
    });
    return rendered;
  }

  private async build(vendor: ProvisioningVendor, version: string): Promise<RenderedPhonebook> {
    const slice = new TimeSlice();
    const sources = this.sources();
    const book: Phonebook = { groups: [], entries: [] };
    for (const source of sources) {
      try {
        const [groups, entries] = await Promise.all([source.groups(), source.entries()]);
        const scoped = (id: string) => `${source.id}:${id}`;
        for (const g of groups) book.groups.push({ ...g, id: scoped(g.id), parentId: g.parentId === null ? null : scoped(g.parentId) });
        for (const e of entries) {
          book.entries.push({ ...e, id: scoped(e.id), groupIds: e.groupIds.map(scoped) });
          await slice.pause();
        }
      } catch (err) {
        // One failing source leaves the others in the phonebook rather than none at all.
        this.logger.error({ err, source: source.id }, 'phonebook source failed');
      }
    }
    book.entries = await sortInSlices(book.entries, byName, slice);
    // Pieces gathered into chunks of about 64 kB: a few dozen buffers for the collector, not thousands.
    const chunks: Buffer[] = [];
    let pending = '';
    for (const piece of vendor.renderPhonebook(book)) {
      pending += piece;
      if (pending.length >= CHUNK) {
        chunks.push(Buffer.from(pending, 'utf8'));
        pending = '';
      }
      await slice.pause();
    }
    chunks.push(Buffer.from(pending, 'utf8'));
    const body = Buffer.concat(chunks);
    const newest = Math.max(0, ...sources.map((s) => s.changedAt().getTime()));
    return { body, etag: `"${createHash('sha256').update(version).update(body).digest('base64url').slice(0, 27)}"`, lastModified: new Date(Math.floor(newest / 1000) * 1000) };
  }
}
