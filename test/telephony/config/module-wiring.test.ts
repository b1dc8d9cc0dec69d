import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asValue, createContainer, InjectionMode, type AwilixContainer } from 'awilix';
import { expect } from 'chai';
import { loadConfig } from '../../../core/config/load';
import type { CoreCradle } from '../../../core/container';
import { EventBus } from '../../../core/events/bus';
import { createLogger } from '../../../core/logging/logger';
import { telephonyConfigModule } from '../../../core/telephony/config/telephony-config-module';
import { TelephonyStatus } from '../../../core/telephony/engine-status';
import { TelephonyService } from '../../../core/telephony/telephony-service';
import { CORE_MODULES } from '../../../core/modules';
import { representativeSnapshot } from './representative-snapshot';

describe('Asterisk configuration module wiring', () => {
  let dataDir: string;
  let container: AwilixContainer<CoreCradle>;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carillon-config-module-'));
    const config = loadConfig({ env: {}, overrides: { dataDir } });
    const logger = createLogger('silent');
    const events = new EventBus(logger);
    container = createContainer<CoreCradle>({ injectionMode: InjectionMode.PROXY, strict: true });
    container.register({
      config: asValue(config),
      logger: asValue(logger),
      events: asValue(events),
      // No ARI URL: telephony stays not configured, as on a laptop without Asterisk.
      telephony: asValue(new TelephonyService({ config, logger, telephonyStatus: new TelephonyStatus(events) })),
    } as never);
    telephonyConfigModule.register!(container);
  });

  afterEach(async () => {
    await telephonyConfigModule.stop?.(container);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is one entry of the core module list', () => {
    expect(CORE_MODULES).to.include(telephonyConfigModule);
  });

  it('writes to <dataDir>/asterisk from the telephonyConfigSource resolved when it runs, without Asterisk', async () => {
    // Registered after the writer: looked up at each run, not at construction.
    container.register('telephonyConfigSource' as never, asValue({ snapshot: async () => representativeSnapshot() }) as never);
    const result = await container.cradle.telephonyConfigWriter.regenerate();
    expect(result).to.deep.equal({ changed: ['pjsip-transports.conf', 'pjsip-extensions.conf', 'pjsip-trunks.conf', 'extensions-carillon.conf', 'voicemail-carillon.conf'], reloaded: [] });
    const dir = path.join(dataDir, 'asterisk');
    expect(fs.readFileSync(path.join(dir, 'pjsip-extensions.conf'), 'utf8')).to.include('[alice]');
    expect(fs.readFileSync(path.join(dir, 'extensions-carillon.conf'), 'utf8')).to.include(`MixMonitor(${path.join(dataDir, 'recordings-spool')}/`);
    // Not connected: the reloads wait for the first ARI connection.
    expect(JSON.parse(fs.readFileSync(path.join(dir, '.pending-reloads.json'), 'utf8'))).to.have.members(['res_pjsip.so', 'pbx_config.so', 'app_voicemail.so']);
  });

  it('starts without a snapshot source and writes an empty configuration in the background', async () => {
    await telephonyConfigModule.start!(container);
    const file = path.join(dataDir, 'asterisk', 'pjsip-transports.conf');
    const extensions = path.join(dataDir, 'asterisk', 'pjsip-extensions.conf');
    // The files are written one after the other: wait for both, not only the first.
    const deadline = Date.now() + 5000;
    while (!(fs.existsSync(file) && fs.existsSync(extensions)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    // Valid and empty: not even a transport before an administrator chose the SIP address.
    expect(fs.readFileSync(file, 'utf8')).not.to.include('type=transport');
    expect(fs.readFileSync(extensions, 'utf8')).not.to.include('type=endpoint');
  });
});
