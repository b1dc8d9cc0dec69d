import type { TransportConfig } from '../config/snapshot';
import type { SettingsService } from '../../settings/settings-service';
import { Op } from 'sequelize';
import { HttpError } from '../../http/problem';
import type { TelephonyConfigChanges } from './config-changes';
import { Extension, Trunk } from './models';

export interface TelephonySettingsView {
  /** G.729 may be offered only where the codec module is installed in Asterisk. */
  g729Available: boolean;
  transports: TransportConfig;
}

export const DEFAULT_TRANSPORTS: TransportConfig = {
  udpPort: 5060,
  tcpPort: 5060,
  wssEnabled: true,
  bindAddress: null,
  externalAddress: null,
  localNetworks: [],
};

const G729_KEY = 'telephony.g729Available';
const TRANSPORTS_KEY = 'telephony.transports';

/** Appliance-wide telephony settings, kept in the core settings table. */
export class TelephonySettings {
  constructor(
    private readonly settings: SettingsService,
    private readonly changes: TelephonyConfigChanges,
  ) {}

  async g729Available(): Promise<boolean> {
    return (await this.settings.get<boolean>(G729_KEY)) ?? false;
  }

  async transports(): Promise<TransportConfig> {
    return { ...DEFAULT_TRANSPORTS, ...((await this.settings.get<Partial<TransportConfig>>(TRANSPORTS_KEY)) ?? {}) };
  }

  async view(): Promise<TelephonySettingsView> {
    return { g729Available: await this.g729Available(), transports: await this.transports() };
  }

  async update(input: { g729Available?: boolean; transports?: Partial<TransportConfig> }): Promise<TelephonySettingsView> {
    if (input.g729Available === false) await this.assertG729Unused();
    if (input.g729Available !== undefined) await this.settings.set(G729_KEY, input.g729Available);
    if (input.transports) await this.settings.set(TRANSPORTS_KEY, { ...(await this.transports()), ...input.transports });
    this.changes.committed('settings', 'updated', null);
    return this.view();
  }

  /** Turning G.729 off would leave extensions or trunks offering a codec Asterisk lacks. */
  private async assertG729Unused(): Promise<void> {
    const uses = { codecs: { [Op.like]: '%"g729"%' } };
    const extensions = await Extension.findAll({ where: uses, attributes: ['id', 'number'], limit: 20 });
    const trunks = await Trunk.findAll({ where: uses, attributes: ['id', 'name'], limit: 20 });
    const users = [...extensions.map((e) => `extension ${e.number}`), ...trunks.map((t) => `trunk "${t.name}"`)];
    if (users.length) {
      throw HttpError.conflict('codec_in_use', `G.729 is still offered by ${users.join(', ')}; remove it from their codecs first.`, [
        { field: 'body.g729Available', code: 'in_use', message: users.join(', ') },
      ]);
    }
  }
}
