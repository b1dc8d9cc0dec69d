import net from 'node:net';
import os from 'node:os';
import { loadConfig } from '../../core/config/load';
import { EventBus } from '../../core/events/bus';
import { createLogger } from '../../core/logging/logger';
import type { CallEvent } from '../../core/telephony/call-events';
import { TelephonyStatus, type TelephonyState } from '../../core/telephony/engine-status';
import { TelephonyService } from '../../core/telephony/telephony-service';
import { AriSimulator, type AriSimulatorOptions } from '../ari-simulator/ari-simulator';

export interface TelephonyUnderTest {
  telephony: TelephonyService;
  status: TelephonyStatus;
  /** Every state the status went through, with its last error. */
  states: Array<{ state: TelephonyState; lastError: string | null }>;
  calls: CallEvent[];
  stop(): Promise<void>;
}

/** The real TelephonyService (ari-client adapter) pointed at `url`, with small back-off delays. */
export function startTelephony(url: string, ari: { requestTimeoutMs?: number; sessionLimit?: number; maxSockets?: number; username?: string; password?: string } = {}): TelephonyUnderTest {
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: os.tmpdir(),
      telephony: { ari: { url, username: 'carillon', password: 'carillon', requestTimeoutMs: 500, reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, ...ari } },
    },
  });
  const logger = createLogger('silent');
  const status = new TelephonyStatus(new EventBus(logger));
  const states: TelephonyUnderTest['states'] = [];
  const set = status.set.bind(status);
  status.set = (state, lastError = null) => {
    set(state, lastError);
    states.push({ state, lastError: status.snapshot.lastError });
  };
  const telephony = new TelephonyService({ config, logger, telephonyStatus: status });
  const calls: CallEvent[] = [];
  telephony.onCall((event) => calls.push(event));
  telephony.start();
  return { telephony, status, states, calls, stop: () => telephony.stop() };
}

export async function startSimulator(options: AriSimulatorOptions = {}): Promise<AriSimulator> {
  const sim = new AriSimulator({ defaultSoundMs: 20, ...options });
  await sim.start();
  return sim;
}

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. A deadline, not a timing assertion. */
export async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A loopback port nothing listens on (taken, then released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function eventTypes(events: Array<Record<string, unknown>>, channelId?: string): string[] {
  return events
    .filter((e) => !channelId || (e.channel as { id?: string } | undefined)?.id === channelId || (e.peer as { id?: string } | undefined)?.id === channelId)
    .filter((e) => e.type !== 'ChannelVarset' || !String(e.variable).startsWith('RTPAUDIOQOS'))
    .map((e) => (e.type === 'Dial' ? `Dial ${e.dialstatus || '""'}` : e.type === 'ChannelStateChange' ? `State ${(e.channel as { state: string }).state}` : e.type === 'ChannelVarset' ? `Varset ${e.variable}=${e.value}` : String(e.type)));
}
