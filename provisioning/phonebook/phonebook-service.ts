import { createHash } from 'node:crypto';
import type { CollectionRegistry } from '../../core/plugins/collections';
import type { Logger } from '../../core/logging/logger';
import type { ProvisioningVendor } from '../vendors/vendor';
import { PHONEBOOK_SOURCES, type Phonebook, type PhonebookSource } from './phonebook-source';

export interface RenderedPhonebook {
  body: Buffer;
  /** Strong validator of this content (sent as ETag). */
  etag: string;
  /** The newest change among the sources (sent as Last-Modified). */
  lastModified: Date;
}

/**
 * The phonebook phones download, merged from every contributed source. Rendered once per
 * vendor and content version: the version is the list of sources with their `changedAt()`, so a
 * directory edit makes the next download regenerate it, and a thousand phones fetching the same
 * version share one rendering.
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
      .map((s) => `${s.id}@${s.changedAt().getTime()}`)
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
    const sources = this.sources();
    const book: Phonebook = { groups: [], entries: [] };
    for (const source of sources) {
      try {
        const [groups, entries] = await Promise.all([source.groups(), source.entries()]);
        const scoped = (id: string) => `${source.id}:${id}`;
        book.groups.push(...groups.map((g) => ({ ...g, id: scoped(g.id), parentId: g.parentId === null ? null : scoped(g.parentId) })));
        book.entries.push(...entries.map((e) => ({ ...e, id: scoped(e.id), groupIds: e.groupIds.map(scoped) })));
      } catch (err) {
        // One failing source leaves the others in the phonebook rather than none at all.
        this.logger.error({ err, source: source.id }, 'phonebook source failed');
      }
    }
    book.entries.sort((a, b) => a.lastName.localeCompare(b.lastName) || a.firstName.localeCompare(b.firstName));
    const body = Buffer.from(vendor.renderPhonebook(book), 'utf8');
    const newest = Math.max(0, ...sources.map((s) => s.changedAt().getTime()));
    return { body, etag: `"${createHash('sha256').update(version).update(body).digest('base64url').slice(0, 27)}"`, lastModified: new Date(Math.floor(newest / 1000) * 1000) };
  }
}
