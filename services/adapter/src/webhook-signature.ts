import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookRefusal } from './webhook-refusal.js';

/** The header fields a signed delivery carries. */
export const TIMESTAMP_HEADER = 'x-roomcast-timestamp';
export const DELIVERY_HEADER = 'x-roomcast-delivery';
export const SIGNATURE_HEADER = 'x-roomcast-signature';

const SIGNATURE_FORMAT = /^sha256=([0-9a-f]{64})$/i;

/**
 * The signature of a delivery: hex HMAC-SHA256, keyed with the shared secret, over the
 * timestamp, a dot and the raw body bytes. Signing the timestamp stops an old body from being
 * replayed with a fresh timestamp.
 */
export function signWebhook(options: { secret: string; timestamp: string; body: Buffer }): string {
  const hmac = createHmac('sha256', options.secret);
  hmac.update(`${options.timestamp}.`);
  hmac.update(options.body);
  return `sha256=${hmac.digest('hex')}`;
}

/** Throws 401 unless `header` is the signature of this timestamp and body, compared in constant time. */
export function verifySignature(options: {
  secret: string;
  timestamp: string;
  body: Buffer;
  header: string | undefined;
}): void {
  const given = SIGNATURE_FORMAT.exec(options.header ?? '')?.[1];
  if (!given) {
    throw new WebhookRefusal(
      401,
      'WEBHOOK_SIGNATURE_MISSING',
      'X-Roomcast-Signature must be "sha256=" followed by 64 hex digits',
    );
  }

  const expected = signWebhook(options).slice('sha256='.length);
  if (!timingSafeEqual(Buffer.from(given.toLowerCase(), 'hex'), Buffer.from(expected, 'hex'))) {
    throw new WebhookRefusal(
      401,
      'WEBHOOK_BAD_SIGNATURE',
      'X-Roomcast-Signature does not match the timestamp and body',
    );
  }
}

/** Throws 400 unless the timestamp (unix seconds) is within toleranceS of now. */
export function checkTimestamp(
  timestamp: string,
  options: { toleranceS: number; nowMs: number },
): void {
  const skewS = Math.abs(Number(timestamp) - Math.floor(options.nowMs / 1000));
  if (skewS > options.toleranceS) {
    throw new WebhookRefusal(
      400,
      'WEBHOOK_STALE_TIMESTAMP',
      `X-Roomcast-Timestamp ${timestamp} is ${skewS} s from now; at most ${options.toleranceS} s is accepted`,
    );
  }
}
