import { asError, encodeEvent, rawSubject, type Logger } from '@roomcast/kit';
import type { Event } from '@roomcast/proto';
import { deliveryEventId } from './delivery-event-id.js';
import type { ReplayGuard } from './replay-guard.js';
import type { SessionClaim } from './session-check.js';
import { payloadToEvent } from './webhook-payload.js';
import { badRequest, WebhookRefusal } from './webhook-refusal.js';
import {
  checkTimestamp,
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifySignature,
} from './webhook-signature.js';

/** Publishes a raw event to JetStream with a message id; true when JetStream saw it before. */
export type PublishRaw = (subject: string, data: Uint8Array, msgID: string) => Promise<boolean>;

export interface IntakeDeps {
  secret: string;
  timestampToleranceS: number;
  replay: ReplayGuard;
  /** Refuses a delivery whose session is unknown, in another room, or ended. */
  sessions: { check(claim: SessionClaim): Promise<void> };
  publish: PublishRaw;
  log: Logger;
  /** Injectable clock; default Date.now. */
  nowMs?: () => number;
}

/** One POST to /webhooks/{platform}, its body read in full. */
export interface Delivery {
  platform: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface IntakeAnswer {
  status: number;
  body: Record<string, unknown>;
}

const DELIVERY_ID = /^[\w.:-]{1,128}$/;

/**
 * Checks, maps and publishes one delivery. Order matters: nothing about the body is trusted
 * (or even parsed) before the signature over timestamp and body checks out, and Session is
 * asked about the session only for a well-formed delivery not already published.
 */
export async function takeDelivery(delivery: Delivery, deps: IntakeDeps): Promise<IntakeAnswer> {
  const nowMs = (deps.nowMs ?? Date.now)();
  const timestamp = header(delivery, TIMESTAMP_HEADER, /^\d{1,12}$/, 'unix seconds');
  verifySignature({
    secret: deps.secret,
    timestamp,
    body: delivery.body,
    header: first(delivery.headers[SIGNATURE_HEADER]),
  });
  checkTimestamp(timestamp, { toleranceS: deps.timestampToleranceS, nowMs });
  const deliveryId = header(
    delivery,
    DELIVERY_HEADER,
    DELIVERY_ID,
    '1 to 128 of A-Z a-z 0-9 _ . : -',
  );

  const eventId = deliveryEventId(delivery.platform, deliveryId);
  const event = payloadToEvent(delivery.body, {
    platform: delivery.platform,
    eventId,
    now: new Date(nowMs),
    futureToleranceS: deps.timestampToleranceS,
  });
  if (await deps.replay.seen(delivery.platform, deliveryId)) {
    return { status: 200, body: { duplicate: true, event_id: eventId } };
  }
  // After the replay check: a retry of an accepted delivery stays a duplicate once it ended.
  await deps.sessions.check(event);

  const duplicate = await publish(event, deps);
  await deps.replay.remember(delivery.platform, deliveryId);
  deps.log.info({ platform: delivery.platform, deliveryId, eventId, duplicate }, 'delivery taken');
  if (duplicate) return { status: 200, body: { duplicate: true, event_id: eventId } };
  return { status: 202, body: { event_id: eventId } };
}

async function publish(event: Event, deps: IntakeDeps): Promise<boolean> {
  try {
    return await deps.publish(rawSubject(event.type), encodeEvent(event), event.eventId);
  } catch (caught) {
    deps.log.error(
      { err: asError(caught), eventId: event.eventId },
      'publishing a delivery failed',
    );
    throw new WebhookRefusal(
      503,
      'PUBLISH_FAILED',
      'the event could not be queued; retry the delivery',
    );
  }
}

function header(delivery: Delivery, name: string, format: RegExp, expected: string): string {
  const value = first(delivery.headers[name]);
  const display = name.replace(
    /(^|-)(\w)/g,
    (_, dash: string, c: string) => dash + c.toUpperCase(),
  );
  if (value === undefined || value === '') {
    throw badRequest('WEBHOOK_MISSING_HEADER', `the ${display} header is required`);
  }
  if (!format.test(value)) {
    const shown = value.length > 64 ? `${value.slice(0, 64)}...` : value;
    throw badRequest('WEBHOOK_INVALID_HEADER', `${display} must be ${expected}, got "${shown}"`);
  }
  return value;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
