/**
 * The module plugins import as `@carillon/plugin-api`. The host provides it at run time, so a
 * third-party package needs no dependency on Carillon itself.
 */
import { z } from 'zod';
import type { PluginManifest } from './plugins/types';

export function definePlugin(manifest: PluginManifest): PluginManifest {
  return manifest;
}

export { z };
/** awilix resolvers, for `ctx.services.register(name, asClass(MyService).singleton())`. */
export { asClass, asFunction, asValue } from 'awilix';
export { DataTypes, Op } from 'sequelize';
export { defineRoute } from './http/routes';
/** Audit helpers: snapshots for `audit.snapshot`, and `secretField` to mark a body field secret. */
export { snapshotByKey, snapshotOf } from './audit/snapshots';
export { secretField } from './audit/changes';
export { sendStream } from './http/stream-body';
export { integerText, idText } from './http/schemas';
/** E.164 input: national numbers are normalised with the system's country (`toE164` for services). */
export { e164, toE164, phoneRegion } from './http/phone-number';
export { likePattern, likeValue, LIKE_ESCAPE_CLAUSE } from './db/like';
export { HttpError } from './http/problem';
/** The import facility: read a CSV upload (detected encoding and separator), match its headers, refuse a file or a batch with every row's problems. */
export * from './imports';
export { PLUGIN_API_VERSION } from './plugins/types';
export type * from './plugins/types';
export type { AuditChanges, FieldChange } from './audit/changes';
export type { RouteDefinition, RouteCall, RouteInput } from './http/routes';
export type { MigrationDefinition, MigrationContext } from './db/migrator';
export type { CarillonEvents } from './events/bus';
export type { Telephony, OriginateRequest, OutboundCall, CallHandler } from './telephony/telephony-service';
export type { CallEvent, CallEventType, CallEnded, CallOutcome, CallParty } from './telephony/call-events';
export type { CallContext, CallStep } from './telephony/steps';
export type { ClickToCallService, ClickToCallRequest } from './telephony/click-to-call/click-to-call-service';
/** The phonebook desk phones download: plugins contribute sources to `PHONEBOOK_SOURCES` with ctx.collections. */
export { PHONEBOOK_SOURCES } from '../provisioning/phonebook/phonebook-source';
export type { PhonebookSource, PhonebookGroup, PhonebookEntry, PhonebookNumber } from '../provisioning/phonebook/phonebook-source';
/** Application destinations offered to inbound routes: contribute `{ route, label }` and handle the route with `telephony.handle`. */
export { CALL_DESTINATIONS } from './telephony/resources/call-destinations';
export type { CallDestination } from './telephony/resources/call-destinations';
/** Phone vendors: plugins contribute more to `PROVISIONING_VENDORS`. */
export { PROVISIONING_VENDORS } from '../provisioning/vendors/vendor';
export type { ProvisioningVendor, ModelCapabilities, PhoneConfigContext, AccountSettings, DetectedPhone } from '../provisioning/vendors/vendor';
export type { ClickToCall, ClickToCallStatus, ClickToCallOutcome, ClickToCallView } from './telephony/click-to-call/click-to-call-session';
/** Small call steps to compose call logic: answer, play, collectDigits, dial, bridgeWith, menu, sequence… */
export * as callSteps from './telephony/steps';
