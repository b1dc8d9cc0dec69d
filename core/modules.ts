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

/** Core modules, in start order (stopped in reverse). */
export const CORE_MODULES: CoreModule[] = [
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
