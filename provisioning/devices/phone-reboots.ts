import { HttpError } from '../../core/http/problem';
import type { Logger } from '../../core/logging/logger';
import { TelephonyUnavailableError } from '../../core/telephony/errors';
import type { PhoneNotifier } from '../../core/telephony/phone-notify';
import type { DeviceService } from './device-service';
import type { DeviceView } from './device-views';
import { normaliseIp } from '../security/network-policy';

/** Maintenance of phones that needs Asterisk: reboot (check-sync), and dissociation followed by one. */
export class PhoneReboots {
  constructor(
    private readonly deps: { devices: DeviceService; notifier: PhoneNotifier; logger: Logger },
  ) {}

  /** SIP NOTIFY check-sync to the phone's first account, from its last known address: it fetches its file and reboots. */
  async reboot(id: number): Promise<{ id: number; endpoint: string; host: string | null; requestedAt: string }> {
    const device = await this.deps.devices.find(id);
    const { accounts } = await this.deps.devices.load(device);
    if (device.status !== 'assigned' || !accounts.length) {
      throw HttpError.conflict('device_not_assigned', 'This phone has no extension: it is not registered to Asterisk, so it cannot be told to reboot. Assign it first, or power-cycle it.');
    }
    const endpoint = accounts[0]!.extension.sipUsername;
    const host = this.hostOf(device.lastIp);
    try {
      await this.deps.notifier.checkSync(endpoint, host);
    } catch (err) {
      if (err instanceof TelephonyUnavailableError) throw new HttpError(503, 'telephony_unavailable', 'Telephony unavailable', `${err.message}; the phone cannot be reached now.`);
      this.deps.logger.error({ err, device: id }, 'check-sync failed');
      throw new HttpError(502, 'notify_failed', 'Asterisk refused the request', 'Asterisk did not accept the check-sync request; see the log.');
    }
    await this.deps.devices.rebooted(device);
    return { id, endpoint, host, requestedAt: new Date().toISOString() };
  }

  /** Dissociates, then tells the phone (while its old account is still registered) to fetch its now account-less file. */
  async dissociate(id: number): Promise<DeviceView> {
    const device = await this.deps.devices.find(id);
    const { accounts } = await this.deps.devices.load(device);
    const view = await this.deps.devices.dissociate(id);
    if (accounts.length) {
      await this.deps.notifier.checkSync(accounts[0]!.extension.sipUsername, this.hostOf(device.lastIp)).catch((err: unknown) => {
        // The phone keeps its accounts until it next fetches its file; the admin can power-cycle it.
        this.deps.logger.warn({ err, device: id }, 'dissociated phone not notified');
      });
    }
    return view;
  }

  private hostOf(ip: string | null): string | null {
    if (!ip) return null;
    const address = normaliseIp(ip);
    return /^\d{1,3}(\.\d{1,3}){3}$/.test(address) ? address : null;
  }
}
