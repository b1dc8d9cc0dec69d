import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Logger } from '../logging/logger';
import { readIfExists, writeFileAtomic } from './config/atomic-file';
import { TEMPLATES_DIR } from './config/renderer';
import { TelephonyUnavailableError } from './errors';
import type { TelephonyService } from './telephony-service';

/** The dialplan context that sends check-sync NOTIFYs, and its extension. */
export const NOTIFY_CONTEXT = 'carillon-provisioning-notify';
export const NOTIFY_EXTEN = 'check-sync';
/** The pjsip_notify.conf section it sends. */
export const CHECK_SYNC_NOTIFY = 'carillon-check-sync';
const REFUSE_CONTEXT = 'carillon-provisioning-refuse';

/** Generated files, the module whose reload reads each, and its template. */
const FILES = [
  { name: 'extensions-carillon-notify.conf', module: 'pbx_config.so' },
  { name: 'pjsip-notify-carillon.conf', module: 'res_pjsip_notify.so' },
  { name: 'pjsip-notify-endpoint.conf', module: 'res_pjsip.so' },
] as const;

const ENDPOINT_NAME = /^[A-Za-z0-9._-]{1,64}$/;
/** The dialplan compares the contact's host text; IPv4 only (an IPv6 phone gets every contact notified). */
const HOST = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * SIP NOTIFY check-sync to desk phones (provisioning's "reboot"), through Asterisk: ARI has no
 * NOTIFY, so Carillon writes a small dialplan context running PJSIPNotify() (with its
 * pjsip_notify.conf entry and the outbound endpoint PJSIPNotify needs), and originates a Local
 * channel into it. The files never depend on the database: written at start and after each
 * (re)connection, a module reloaded only when its file changed.
 */
export class PhoneNotifier {
  private readonly pendingReloads = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: { telephony: TelephonyService; configDir: string; logger: Logger; templatesDir?: string },
  ) {}

  /** Writes the files that differ, then reloads their modules when Asterisk is reachable. */
  ensureConfig(): Promise<void> {
    const run = this.queue.then(() => this.writeAndReload());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Asks the contacts of a PJSIP endpoint registered from `host` (all of them without a host) to check their configuration. */
  async checkSync(endpoint: string, host: string | null): Promise<void> {
    if (!ENDPOINT_NAME.test(endpoint)) throw new Error(`Not a PJSIP endpoint name: ${endpoint}`);
    if (host !== null && !HOST.test(host)) throw new Error(`Not an IPv4 address: ${host}`);
    if (!this.deps.telephony.connected) throw new TelephonyUnavailableError('Asterisk is not connected');
    await this.deps.telephony.rest().originate({
      endpoint: `Local/${NOTIFY_EXTEN}@${NOTIFY_CONTEXT}`,
      app: this.deps.telephony.app,
      appArgs: 'provisioning-notify',
      // Local channels negotiate slin192 without it (asterisk-notes); nothing is played anyway.
      formats: 'ulaw',
      timeout: 10,
      channelId: randomUUID(),
      otherChannelId: randomUUID(),
      variables: { CARILLON_NOTIFY_ENDPOINT: endpoint, CARILLON_NOTIFY_HOST: host ?? '', 'CDR_PROP(disable)': '1' },
    });
  }

  private async writeAndReload(): Promise<void> {
    const templatesDir = this.deps.templatesDir ?? TEMPLATES_DIR;
    const view = { context: NOTIFY_CONTEXT, notify: CHECK_SYNC_NOTIFY, refuseContext: REFUSE_CONTEXT };
    await fs.promises.mkdir(this.deps.configDir, { recursive: true, mode: 0o750 });
    for (const file of FILES) {
      const template = Handlebars.compile(fs.readFileSync(path.join(templatesDir, `${file.name}.hbs`), 'utf8'), { noEscape: true, strict: true });
      const target = path.join(this.deps.configDir, file.name);
      const content = template(view);
      if ((await readIfExists(target)) === content) continue;
      await writeFileAtomic(target, content, { mode: 0o640 });
      this.pendingReloads.add(file.module);
    }
    if (!this.pendingReloads.size || !this.deps.telephony.connected) return;
    for (const module of [...this.pendingReloads]) {
      try {
        await this.deps.telephony.rest().reloadModule(module);
        this.pendingReloads.delete(module);
      } catch (err) {
        this.deps.logger.warn({ err, module }, 'cannot reload an Asterisk module for phone notifications; retried at the next connection');
      }
    }
  }
}
