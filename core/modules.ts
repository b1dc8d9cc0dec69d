import { callsModule } from './calls/calls-module';
import { clickToCallModule } from './telephony/click-to-call/click-to-call-module';
import { systemModule } from './system/system-module';
import { backupsModule } from './backups/backups-module';
import { securityModule } from './system/security-module';
import type { CoreModule } from './core-module';
import { provisioningModule } from '../provisioning/provisioning-module';
import { telephonyResourcesModule } from './telephony/resources/telephony-resources-module';
import { telephonyConfigModule } from './telephony/config/telephony-config-module';
import { telephonyHostModule } from './telephony/host/telephony-host-module';
import { webhooksModule } from './webhooks/webhooks-module';

/** Core modules, in start order (stopped in reverse). */
export const CORE_MODULES: CoreModule[] = [
  // First: its outbox takes events from the start (the call log's catch-up of the CDR file) to the end of the others' stop.
  webhooksModule,
  telephonyResourcesModule,
  telephonyConfigModule,
  telephonyHostModule,
  callsModule,
  clickToCallModule,
  provisioningModule,
  systemModule,
  backupsModule,
  securityModule,
];
