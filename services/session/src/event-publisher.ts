import { encodeEvent, newEvent, rawSubject, RoomcastError } from '@roomcast/kit';
import { EventType, type Event, type PresenceAction, type StreamState } from '@roomcast/proto';
import type { JetStreamClient } from 'nats';

const SOURCE = 'session';

/**
 * Publishes Session's events to JetStream and waits for the stream's acknowledgement, so a
 * resolved publish means the event is stored durably. The event id is the JetStream message
 * id: a re-published event inside the duplicate window is dropped by the stream.
 */
export class EventPublisher {
  constructor(
    private readonly js: JetStreamClient,
    private readonly timeoutMs: number,
  ) {}

  async publish(event: Event): Promise<void> {
    const subject = rawSubject(event.type);
    try {
      await this.js.publish(subject, encodeEvent(event), {
        msgID: event.eventId,
        timeout: this.timeoutMs,
      });
    } catch (caught) {
      throw new RoomcastError(
        'unavailable',
        'EVENT_PUBLISH_FAILED',
        `the event could not be stored on ${subject}; nothing was changed, try again`,
        { cause: caught },
      );
    }
  }
}

interface SessionRef {
  sessionId: string;
  roomId: string;
}

export function streamStatusEvent(ref: SessionRef & { state: StreamState }): Event {
  return newEvent({
    sessionId: ref.sessionId,
    roomId: ref.roomId,
    type: EventType.EVENT_TYPE_STREAM_STATUS,
    source: SOURCE,
    streamStatus: { state: ref.state },
  });
}

export function chatMessageEvent(ref: SessionRef & { userId: string; text: string }): Event {
  return newEvent({
    sessionId: ref.sessionId,
    roomId: ref.roomId,
    type: EventType.EVENT_TYPE_CHAT_MESSAGE,
    source: SOURCE,
    chat: { userId: ref.userId, text: ref.text },
  });
}

export function presenceEvent(
  ref: SessionRef & {
    userId: string;
    action: PresenceAction;
    connectionId: string;
    viewerCount: string;
  },
): Event {
  return newEvent({
    sessionId: ref.sessionId,
    roomId: ref.roomId,
    type: EventType.EVENT_TYPE_USER_PRESENCE,
    source: SOURCE,
    presence: {
      userId: ref.userId,
      action: ref.action,
      connectionId: ref.connectionId,
      viewerCount: ref.viewerCount,
    },
  });
}
