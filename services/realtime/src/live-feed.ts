import {
  asError,
  decodeEvent,
  STORED_SUBJECTS,
  type Logger,
  type NatsConnection,
} from '@roomcast/kit';
import type { Event } from '@roomcast/proto';
import type { HubRegistry } from './hub-registry.js';

/**
 * The one core NATS subscription of this instance to every stored event. Core NATS (not a
 * JetStream consumer) keeps the live path cheap; a message it loses shows up as a gap in the
 * sequence, which the session's hub fills from the stored history.
 */
export function subscribeLiveFeed(nc: NatsConnection, hubs: HubRegistry, log: Logger) {
  return nc.subscribe(STORED_SUBJECTS, {
    callback: (error, message) => {
      if (error) {
        log.error({ err: error }, 'live feed subscription failed');
        return;
      }
      if (!hubs.watching) return;

      let event: Event;
      try {
        event = decodeEvent(message.data);
      } catch (caught) {
        log.warn({ err: asError(caught), subject: message.subject }, 'dropped a malformed event');
        return;
      }
      // Only stored events carry a sequence; anything else has no place in the stream.
      if (event.sequence === '0') return;
      hubs.receive(event);
    },
  });
}
