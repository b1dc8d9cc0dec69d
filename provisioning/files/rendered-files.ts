import { createHash } from 'node:crypto';
import type { PhoneConfigContext, ProvisioningVendor } from '../vendors/vendor';

/**
 * Each phone's last configuration file, kept with a digest of everything it was rendered from
 * (the whole context: device, accounts, passwords, keys, overrides, server addresses, scope)
 * and the vendor that rendered it (its templates are compiled once per process). Any change of
 * those gives another digest, so the file is rendered again; a phone asking again for the same
 * thing gets the same bytes without running the templates. One entry per phone, the oldest
 * dropped first beyond `limit`.
 */
export class RenderedFiles {
  private readonly byMac = new Map<string, { vendor: ProvisioningVendor; digest: string; body: Buffer }>();

  constructor(private readonly limit = 10_000) {}

  render(vendor: ProvisioningVendor, context: PhoneConfigContext): Buffer {
    // Hashed: the context holds secrets, and the key is kept.
    const digest = createHash('sha256').update(JSON.stringify(context)).digest('base64url');
    const cached = this.byMac.get(context.mac);
    if (cached && cached.vendor === vendor && cached.digest === digest) return cached.body;
    const body = Buffer.from(vendor.renderConfig(context), 'utf8');
    this.byMac.delete(context.mac);
    this.byMac.set(context.mac, { vendor, digest, body });
    if (this.byMac.size > this.limit) this.byMac.delete(this.byMac.keys().next().value!);
    return body;
  }
}
