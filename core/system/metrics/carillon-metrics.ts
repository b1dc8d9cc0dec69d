import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ExtensionDirectory } from '../../calls/extension-directory';
import type { JobScheduler } from '../../jobs/scheduler';
import type { Logger } from '../../logging/logger';
import type { PluginHost } from '../../plugins/plugin-host';
import type { TelephonyStatus, TelephonyState } from '../../telephony/engine-status';
import type { TelephonyService } from '../../telephony/telephony-service';
import type { DashboardService } from '../dashboard-service';

export interface CarillonMetricsDeps {
  telephony: TelephonyService;
  telephonyStatus: TelephonyStatus;
  dashboardService: DashboardService;
  extensionLookup: ExtensionDirectory;
  jobScheduler: JobScheduler;
  pluginHost: PluginHost;
  logger: Logger;
}

const TELEPHONY_STATES: TelephonyState[] = ['not_installed', 'not_configured', 'connecting', 'connected', 'disconnected'];
const PLUGIN_STATES = ['started', 'disabled', 'failed'] as const;
/** Figures read at scrape time are shared by the gauges of one scrape for this long. */
const SCRAPE_SHARE_MS = 1000;

interface SipFigures {
  configured: { extensions: number; trunks: number };
  online: { extensions: number; trunks: number } | null;
}

/** Any other method (a scanner's `PROPFIND`) is one label, not one series each. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The Prometheus figures of `GET /metrics` (prom-client). Counters and histograms are fed as
 * things happen (HTTP requests, ARI requests); gauges that need Asterisk (calls in progress,
 * endpoints online) are read at scrape time: NaN while Asterisk cannot be asked, never a false 0.
 */
export class CarillonMetrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_class'>;
  private readonly ariDuration: Histogram<'operation' | 'outcome'>;
  private readonly stops: Array<() => void> = [];
  private sipCache: { at: number; figures: Promise<SipFigures> } | null = null;

  constructor(private readonly deps: CarillonMetricsDeps) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'carillon_' });
    this.httpDuration = new Histogram({
      name: 'carillon_http_request_duration_seconds',
      help: 'HTTP requests by route template (not raw path), method and status class',
      labelNames: ['method', 'route', 'status_class'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.ariDuration = new Histogram({
      name: 'carillon_ari_request_duration_seconds',
      help: 'ARI REST requests to Asterisk by operation and outcome (ok, error, timeout), queue time included',
      labelNames: ['operation', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });

    const status = deps.telephonyStatus;
    new Gauge({
      name: 'carillon_ari_connected',
      help: '1 while the ARI connection to Asterisk is up, else 0',
      registers,
      collect() {
        this.set(status.snapshot.connected ? 1 : 0);
      },
    });
    new Gauge({
      name: 'carillon_ari_state',
      help: 'State of the ARI connection: 1 for the current state, 0 for the others',
      labelNames: ['state'],
      registers,
      collect() {
        const current = status.snapshot.state;
        for (const state of TELEPHONY_STATES) this.set({ state }, state === current ? 1 : 0);
      },
    });
    const dashboard = deps.dashboardService;
    new Gauge({
      name: 'carillon_calls_in_progress',
      help: "Calls in progress on Asterisk (bridged calls count once); NaN while Asterisk can't be asked",
      registers,
      async collect() {
        const calls = await dashboard.liveCalls();
        this.set(calls ? calls.length : Number.NaN);
      },
    });
    const sip = this.sipFigures.bind(this);
    new Gauge({
      name: 'carillon_sip_endpoints_registered',
      help: "SIP endpoints online: extensions with a registered phone, trunks reachable or registered; NaN while Asterisk can't be asked",
      labelNames: ['kind'],
      registers,
      async collect() {
        const figures = await sip();
        this.set({ kind: 'extension' }, figures.online?.extensions ?? Number.NaN);
        this.set({ kind: 'trunk' }, figures.online?.trunks ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'carillon_sip_endpoints',
      help: 'SIP endpoints configured in Carillon, by kind',
      labelNames: ['kind'],
      registers,
      async collect() {
        const figures = await sip();
        this.set({ kind: 'extension' }, figures.configured.extensions);
        this.set({ kind: 'trunk' }, figures.configured.trunks);
      },
    });

    const scheduler = deps.jobScheduler;
    new Counter({
      name: 'carillon_job_runs_total',
      help: 'Runs of each scheduled job since Carillon started',
      labelNames: ['owner', 'job'],
      registers,
      collect() {
        this.reset();
        for (const s of scheduler.stats()) this.inc({ owner: s.owner, job: s.name }, s.runs);
      },
    });
    new Counter({
      name: 'carillon_job_failures_total',
      help: 'Runs of each scheduled job that failed since Carillon started',
      labelNames: ['owner', 'job'],
      registers,
      collect() {
        this.reset();
        for (const s of scheduler.stats()) this.inc({ owner: s.owner, job: s.name }, s.failures);
      },
    });
    new Gauge({
      name: 'carillon_job_last_success_timestamp_seconds',
      help: 'When each scheduled job last succeeded (Unix time); absent before its first success',
      labelNames: ['owner', 'job'],
      registers,
      collect() {
        this.reset();
        for (const s of scheduler.stats()) if (s.lastSuccessAt !== null) this.set({ owner: s.owner, job: s.name }, s.lastSuccessAt / 1000);
      },
    });

    const plugins = deps.pluginHost;
    new Gauge({
      name: 'carillon_plugin_state',
      help: "Each plugin's state: 1 for the current state (started, disabled, failed), 0 for the others",
      labelNames: ['plugin', 'state'],
      registers,
      collect() {
        this.reset();
        for (const p of plugins.list()) for (const state of PLUGIN_STATES) this.set({ plugin: p.id, state }, p.state === state ? 1 : 0);
      },
    });
  }

  start(): void {
    if (this.stops.length) return;
    this.stops.push(this.deps.telephony.onAriRequest((operation, outcome, seconds) => this.ariDuration.observe({ operation, outcome }, seconds)));
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  observeHttp(request: { method: string; route: string; status: number; seconds: number }): void {
    const method = METHODS.has(request.method) ? request.method : 'other';
    this.httpDuration.observe({ method, route: request.route, status_class: `${Math.floor(request.status / 100)}xx` }, request.seconds);
  }

  /** The exposition text (format 0.0.4) and its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  /**
   * Extensions and trunks configured, and those whose endpoint is online (null when Asterisk
   * cannot be asked), from one `GET /endpoints`: both gauges of one scrape share it.
   */
  private sipFigures(): Promise<SipFigures> {
    const now = Date.now();
    if (!this.sipCache || now - this.sipCache.at > SCRAPE_SHARE_MS) this.sipCache = { at: now, figures: this.readSipFigures() };
    return this.sipCache.figures;
  }

  private async readSipFigures(): Promise<SipFigures> {
    const endpoints = await this.deps.dashboardService.endpoints();
    const [extensions, trunks] = await Promise.all([this.deps.extensionLookup.list(), this.deps.dashboardService.trunks(true, endpoints)]);
    const configured = { extensions: extensions.length, trunks: trunks?.length ?? 0 };
    if (!endpoints) return { configured, online: null };
    const online = new Set(endpoints.filter((e) => e.technology === 'PJSIP' && e.state === 'online').map((e) => e.resource));
    return { configured, online: { extensions: extensions.filter((e) => online.has(e.sipUsername)).length, trunks: (trunks ?? []).filter((t) => t.state === 'online').length } };
  }
}
