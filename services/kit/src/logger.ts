import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The structured JSON logger of one service. LOG_LEVEL picks the level (default info).
 * Redacts fields that may carry secrets.
 */
export function createLogger(service: string): Logger {
  return pino({
    level: process.env.LOG_LEVEL ?? 'info',
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: ['secret', '*.secret', 'password', '*.password', 'authorization', '*.authorization'],
  });
}

/** Narrows a caught value to an Error, wrapping anything else. */
export function asError(caught: unknown): Error {
  if (caught instanceof Error) return caught;
  return new Error(typeof caught === 'string' ? caught : JSON.stringify(caught));
}
