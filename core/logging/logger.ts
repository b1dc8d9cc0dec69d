import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths never written to the logs. Keys are matched at any depth that pino's redaction can
 * express; services must still avoid logging whole request bodies.
 */
export const REDACTED_PATHS = [
  'password', '*.password', '*.*.password',
  'newPassword', '*.newPassword', 'currentPassword', '*.currentPassword',
  'token', '*.token', 'secret', '*.secret', '*.*.secret',
  'sipPassword', '*.sipPassword', '*.*.sipPassword',
  'authorization', '*.authorization', '*.headers.authorization', '*.headers.cookie', '*.headers["set-cookie"]',
  'totpCode', '*.totpCode',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'carillon' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
