import { HttpError } from '../../http/problem';
import type { TransportRestartStatus, TransportRestartTracker } from '../config/transport-restart';
import { HelperUnavailableError, type PrivilegedHelper } from './privileged-helper';

export interface AsteriskRestartView extends TransportRestartStatus {
  /** Carillon can restart Asterisk itself (the appliance's privileged helper is there). */
  canRestart: boolean;
  /** What to run by hand where it cannot (a development checkout). */
  manualCommand: string;
}

const MANUAL_COMMAND = 'sudo systemctl restart asterisk   (or: asterisk -rx "core restart now")';

/** A transport change waits for an Asterisk restart: its status, and the restart itself on the appliance. */
export class AsteriskRestart {
  constructor(
    private readonly tracker: Pick<TransportRestartTracker, 'status'>,
    private readonly helper: PrivilegedHelper,
  ) {}

  async status(): Promise<AsteriskRestartView> {
    return { ...(await this.tracker.status()), canRestart: await this.helper.available(), manualCommand: MANUAL_COMMAND };
  }

  /**
   * Restarts asterisk.service (every call in progress ends); resolves once ARI reports the new
   * start (or after `waitMs`, with the status as it is then; at once when ARI could not be asked
   * before, so a new start cannot be told).
   */
  async restart(waitMs = 20_000): Promise<AsteriskRestartView> {
    const before = (await this.tracker.status()).asteriskStartedAt;
    try {
      await this.helper.request(['restart-asterisk']);
    } catch (err) {
      if (err instanceof HelperUnavailableError) {
        throw new HttpError(409, 'restart_unavailable', 'Carillon cannot restart Asterisk here', `No privileged helper on this machine: run ${MANUAL_COMMAND}.`);
      }
      if (err instanceof Error && 'code' in err && err.code === 'helper_refused') throw new HttpError(502, 'restart_failed', 'Asterisk did not restart', err.message);
      throw err;
    }
    if (before === null) return this.status();
    const deadline = Date.now() + waitMs;
    for (;;) {
      const view = await this.status();
      if ((view.asteriskStartedAt !== null && view.asteriskStartedAt !== before) || Date.now() >= deadline) return view;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
