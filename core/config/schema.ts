import ipaddr from 'ipaddr.js';
import { z } from 'zod';

function isCidr(value: string): boolean {
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}

const byteSize = z
  .union([z.number().int().positive(), z.string().regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)$/i, 'a size such as "1mb" or "512kb"')])
  .describe('a number of bytes or a size such as "1mb"');

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const configSchema = z.strictObject({
  dataDir: z.string().min(1).default('./data'),
  http: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.coerce.number().int().min(0).max(65535).default(8080),
      publicUrl: z.url({ protocol: /^https?$/ }).optional(),
      bodyLimit: byteSize.default('1mb'),
      trustProxy: z.boolean().default(false),
      shutdownGraceMs: z.number().int().min(0).default(10_000),
      // When set, `port` serves HTTPS with this certificate (the one Asterisk's WSS uses too).
      tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
      // With TLS: a plain-HTTP port for phones fetching /provisioning/* (and /api/health); everything else redirects to HTTPS.
      plainPort: z.coerce.number().int().min(0).max(65535).optional(),
    })
    .prefault({}),
  database: z
    .strictObject({
      url: z
        .string()
        .regex(/^(sqlite:|mariadb:\/\/|mysql:\/\/)/, 'a URL starting with sqlite: or mariadb://')
        .optional(),
      poolMax: z.number().int().min(1).max(200).default(10),
      logSql: z.boolean().default(false),
    })
    .prefault({}),
  log: z.strictObject({ level: z.enum(LOG_LEVELS).default('info') }).prefault({}),
  // Backups taken from the web UI and on schedule (core/backups): where they are kept (default
  // `<dataDir>/backups`) and the largest archive a restore by upload accepts.
  backups: z
    .strictObject({
      dir: z.string().min(1).optional(),
      maxUploadBytes: byteSize.default('20gb'),
    })
    .prefault({}),
  plugins: z
    .strictObject({
      dir: z.string().min(1).default('./plugins.d/node_modules'),
      bundledDir: z.string().min(1).optional(),
      config: z.record(z.string(), z.unknown()).default({}),
    })
    .prefault({}),
  auth: z
    .strictObject({
      sessionIdleMinutes: z.number().int().min(5).max(60 * 24 * 30).default(12 * 60),
      sessionMaxHours: z.number().int().min(1).max(24 * 90).default(7 * 24),
      secureCookies: z.enum(['auto', 'always', 'never']).default('auto'),
      // Per account: at most `maxAttempts` passwords are ever checked before the account locks; the
      // lock lasts `lockMinutes`, doubling at each lock in a row up to `maxLockMinutes`.
      lockout: z
        .strictObject({
          maxAttempts: z.number().int().min(1).max(100).default(5),
          lockMinutes: z.number().min(0.01).max(24 * 60).default(1),
          maxLockMinutes: z.number().min(0.01).max(7 * 24 * 60).default(60),
          delayMs: z.number().int().min(0).max(10_000).default(300),
        })
        .prefault({}),
      // Per client (IP address, an IPv6 /64; X-Forwarded-For only with http.trustProxy), checked before
      // the account's lockout: `accountAttempts` per window at one e-mail (keep it under
      // lockout.maxAttempts, so one client is stopped before it can lock anybody out) and
      // `clientAttempts` failures per window over all e-mails. See docs/authentication.md.
      throttle: z
        .strictObject({
          accountAttempts: z.number().int().min(1).max(1000).default(3),
          clientAttempts: z.number().int().min(1).max(100_000).default(20),
          windowMinutes: z.number().min(0.01).max(24 * 60).default(15),
        })
        .prefault({}),
    })
    .prefault({}),
  secretKeyFile: z.string().min(1).optional(),
  telephony: z
    .strictObject({
      // `none`: no telephony engine on this machine (an appliance built without Asterisk); health says `not_installed`.
      engine: z.enum(['asterisk', 'none']).default('asterisk'),
      // Without a URL telephony stays `not_configured` and Carillon runs without it.
      ari: z
        .strictObject({
          url: z.url({ protocol: /^https?$/ }).optional(),
          username: z.string().min(1).default('carillon'),
          password: z.string().default(''),
          app: z.string().regex(/^[A-Za-z0-9_-]+$/).default('carillon'),
          requestTimeoutMs: z.number().int().min(50).max(120_000).default(5000),
          // Asterisk's http.conf `sessionlimit` (its default is 100): past it, Asterisk drops sessions.
          sessionLimit: z.number().int().min(1).max(100_000).default(100),
          // Most ARI requests in flight; default: four fifths of sessionLimit (request-gate.ts).
          maxSockets: z.number().int().min(1).max(100_000).optional(),
          reconnect: z
            .strictObject({
              initialDelayMs: z.number().int().min(1).max(60_000).default(500),
              maxDelayMs: z.number().int().min(1).max(600_000).default(30_000),
            })
            .prefault({}),
        })
        .prefault({}),
      // cdr_csv output that the call log reads incrementally (calls made while Carillon was stopped).
      cdrFile: z.string().min(1).default('/var/log/asterisk/cdr-csv/Master.csv'),
      // cel_custom's JSON output (appliance/asterisk/cel_custom.conf), read incrementally like the CDR file.
      celFile: z.string().min(1).default('/var/log/asterisk/cel-custom/carillon.json'),
      // MixMonitor's WAV files waiting to be converted; default `<dataDir>/recordings-spool`.
      recordingsSpoolDir: z.string().min(1).optional(),
      // Where Carillon writes Asterisk's generated files (the skeleton includes them); default `<dataDir>/asterisk`.
      configDir: z.string().min(1).optional(),
      // The appliance's privileged helper (carillon-helper.socket): restarts Asterisk, reads and lifts fail2ban bans.
      helperSocket: z.string().min(1).default('/run/carillon-helper.sock'),
      // Where Carillon writes the SIP jail's ignoreip for fail2ban; default `<dataDir>/fail2ban`.
      fail2banDir: z.string().min(1).optional(),
    })
    .prefault({}),
  // Desk-phone auto-provisioning (provisioning/): files over HTTP under /provisioning/ and TFTP.
  provisioning: z
    .strictObject({
      enabled: z.boolean().default(true),
      tftp: z
        .strictObject({
          enabled: z.boolean().default(true),
          // Default: http.host. The appliance listens on 0.0.0.0 port 69.
          host: z.string().min(1).optional(),
          port: z.coerce.number().int().min(0).max(65535).default(6969),
        })
        .prefault({}),
      // Files carrying SIP passwords are served only to these networks (CIDR).
      allowedNetworks: z
        .array(z.string().refine(isCidr, 'a network in CIDR form such as 192.168.1.0/24'))
        .default(['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', 'fc00::/7', 'fe80::/10']),
      // A client asking for `threshold` unknown MACs within `windowSeconds` is refused for `durationSeconds`.
      ban: z
        .strictObject({
          threshold: z.number().int().min(1).max(10_000).default(10),
          windowSeconds: z.number().int().min(1).max(86_400).default(300),
          durationSeconds: z.number().int().min(1).max(7 * 86_400).default(3600),
        })
        .prefault({}),
      // How long after assignment (or the admin reopening it) a phone may claim its secrets by its first fetch on the secret path.
      claimWindowMinutes: z.number().int().min(1).max(7 * 24 * 60).default(30),
      // Firmware files served under /provisioning/firmware/; default `<dataDir>/firmware`.
      firmwareDir: z.string().min(1).optional(),
      // host[:port] phones reach Carillon's HTTP at; default: the Host header phones send (HTTP), the LAN address (TFTP).
      serverHost: z.string().regex(/^[A-Za-z0-9.\-:\[\]]+$/).optional(),
      ntpServer: z.string().min(1).default('pool.ntp.org'),
    })
    .prefault({}),
});

export type CarillonConfigInput = z.input<typeof configSchema>;
export type CarillonConfig = z.output<typeof configSchema> & {
  /** Resolved, absolute paths and URLs derived at load time. */
  resolved: { dataDir: string; databaseUrl: string; pluginDir: string; secretKeyFile: string; configFile: string | null };
};

/** The expected form of each key, as shown in a start-up error. */
export const EXPECTED_FORM: Record<string, string> = {
  dataDir: 'a folder path',
  'http.host': 'a host name or IP address to listen on',
  'http.port': 'an integer from 0 to 65535',
  'http.publicUrl': 'an http:// or https:// URL',
  'http.bodyLimit': 'a number of bytes or a size such as "1mb"',
  'http.trustProxy': 'true or false',
  'http.shutdownGraceMs': 'a whole number of milliseconds',
  'http.tls': 'an object with certFile and keyFile (PEM files), or nothing for plain HTTP',
  'http.tls.certFile': 'the path of a PEM certificate (with its chain)',
  'http.tls.keyFile': 'the path of the PEM private key of that certificate',
  'http.plainPort': 'an integer from 0 to 65535 (only with http.tls)',
  'backups.dir': 'a folder path',
  'backups.maxUploadBytes': 'a number of bytes or a size such as "20gb"',
  'database.url': 'a URL such as sqlite:/var/lib/carillon/carillon.sqlite or mariadb://user:password@127.0.0.1:3306/carillon',
  'database.poolMax': 'an integer from 1 to 200',
  'log.level': `one of ${LOG_LEVELS.join(', ')}`,
  'plugins.dir': 'a folder path',
  'auth.secureCookies': 'one of auto, always, never',
  'auth.lockout.maxAttempts': 'a whole number of password checks from 1 to 100',
  'auth.lockout.lockMinutes': 'a number of minutes from 0.01 to 1440 (the first lock)',
  'auth.lockout.maxLockMinutes': 'a number of minutes from 0.01 to 10080 (the longest lock)',
  'auth.lockout.delayMs': 'a whole number of milliseconds from 0 to 10000',
  'auth.throttle.accountAttempts': 'a whole number of login attempts from 1 to 1000',
  'auth.throttle.clientAttempts': 'a whole number of login attempts from 1 to 100000',
  'auth.throttle.windowMinutes': 'a number of minutes from 0.01 to 1440',
  'telephony.engine': 'asterisk, or none when no telephony engine is installed',
  'telephony.ari.url': "the http:// or https:// URL of Asterisk's HTTP server, such as http://127.0.0.1:8088",
  'telephony.ari.username': 'the ARI user name from ari.conf',
  'telephony.ari.app': 'a Stasis application name (letters, digits, - and _)',
  'telephony.ari.requestTimeoutMs': 'a whole number of milliseconds from 50 to 120000',
  'telephony.ari.sessionLimit': "an integer from 1 to 100000: sessionlimit in Asterisk's http.conf",
  'telephony.ari.maxSockets': 'an integer from 1 to 100000, below telephony.ari.sessionLimit',
  'telephony.cdrFile': "the path of Asterisk's cdr_csv Master.csv",
  'telephony.celFile': "the path of the JSON file Asterisk's cel_custom writes (cel-custom/carillon.json)",
  'telephony.recordingsSpoolDir': 'a folder path where Asterisk writes call recordings (WAV)',
  'telephony.configDir': "a folder path for Asterisk's generated configuration (included by /etc/asterisk)",
  'telephony.helperSocket': "the path of the privileged helper's socket (/run/carillon-helper.sock on the appliance)",
  'telephony.fail2banDir': "a folder path where Carillon writes the SIP jail's ignoreip for fail2ban",
  'provisioning.tftp.host': 'an IP address to listen on for TFTP, such as 0.0.0.0',
  'provisioning.tftp.port': 'an integer from 0 to 65535 (69 on the appliance)',
  'provisioning.allowedNetworks': 'a list of networks in CIDR form, such as ["192.168.1.0/24"]',
  'provisioning.ban.threshold': 'a whole number of unknown MAC requests, from 1 to 10000',
  'provisioning.ban.windowSeconds': 'a whole number of seconds, from 1 to 86400',
  'provisioning.ban.durationSeconds': 'a whole number of seconds, from 1 to 604800',
  'provisioning.firmwareDir': 'a folder path holding firmware files',
  'provisioning.serverHost': 'a host name or IP address, with an optional :port, that phones reach Carillon at',
};

/** Environment variables and the configuration key each one sets. */
export const ENVIRONMENT_KEYS: Record<string, string> = {
  CARILLON_DATA_DIR: 'dataDir',
  CARILLON_HTTP_HOST: 'http.host',
  CARILLON_HTTP_PORT: 'http.port',
  CARILLON_PUBLIC_URL: 'http.publicUrl',
  CARILLON_TLS_CERT_FILE: 'http.tls.certFile',
  CARILLON_TLS_KEY_FILE: 'http.tls.keyFile',
  CARILLON_HTTP_PLAIN_PORT: 'http.plainPort',
  CARILLON_DATABASE_URL: 'database.url',
  CARILLON_LOG_LEVEL: 'log.level',
  CARILLON_PLUGIN_DIR: 'plugins.dir',
  CARILLON_TFTP_PORT: 'provisioning.tftp.port',
  CARILLON_TELEPHONY_ENGINE: 'telephony.engine',
  CARILLON_ARI_URL: 'telephony.ari.url',
  CARILLON_ARI_USERNAME: 'telephony.ari.username',
  CARILLON_ARI_PASSWORD: 'telephony.ari.password',
};
