import type { CollectionRegistry } from '../../core/plugins/collections';
import { ouiOf } from '../mac';
import { PROVISIONING_VENDORS, type DetectedPhone, type ModelCapabilities, type ProvisioningVendor } from './vendor';

/** The vendors contributed to `provisioning.vendors` (Grandstream by core; more by plugins). */
export class VendorRegistry {
  constructor(private readonly collections: CollectionRegistry) {}

  list(): ProvisioningVendor[] {
    return this.collections.list<ProvisioningVendor>(PROVISIONING_VENDORS);
  }

  get(id: string): ProvisioningVendor | null {
    return this.list().find((v) => v.id === id) ?? null;
  }

  /** The vendor and model a request comes from: the User-Agent first, then the MAC's OUI. */
  identify(userAgent: string, mac: string | null): { vendor: ProvisioningVendor; detected: DetectedPhone } | null {
    for (const vendor of this.list()) {
      const detected = vendor.detect(userAgent);
      if (detected) return { vendor, detected };
    }
    if (mac) {
      const vendor = this.list().find((v) => v.macPrefixes.includes(ouiOf(mac)));
      if (vendor) return { vendor, detected: { model: null, firmware: null, mac } };
    }
    return null;
  }

  /** The MAC a file name asks for and which vendor's file it is. */
  configFile(fileName: string): { vendor: ProvisioningVendor; mac: string } | null {
    for (const vendor of this.list()) {
      const mac = vendor.configFileMac(fileName);
      if (mac) return { vendor, mac };
    }
    return null;
  }

  capabilities(vendorId: string, model: string | null): ModelCapabilities | null {
    if (!model) return null;
    const upper = model.toUpperCase();
    const models = this.get(vendorId)?.models ?? [];
    return models.find((m) => m.model === upper) ?? models.find((m) => upper.startsWith(m.model)) ?? null;
  }
}
