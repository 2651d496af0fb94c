import type { Logger } from '@roomcast/kit';
import type { ConnectionLedger } from './connection-ledger.js';
import type { EventHistory } from './event-history.js';
import type { HubRegistry } from './hub-registry.js';
import type { SessionGateway } from './session-gateway.js';
import { Subscription, type EventSink, type SubscriptionEnd } from './subscription.js';
import type { StreamRequest } from './stream-request.js';

/** What the WebSocket server and the gRPC handlers share within one instance. */
export interface RealtimeContext {
  log: Logger;
  hubs: HubRegistry;
  history: EventHistory;
  sessions: SessionGateway;
  ledger: ConnectionLedger;
  /** Set once drain begins: no new sockets or streams are taken after it. */
  draining: boolean;
  /** Live events a catching-up subscription may hold; the window's event bound. */
  maxHeld: number;
}

/** Starts a subscription of one socket or stream. */
export function subscribe(
  context: RealtimeContext,
  request: StreamRequest & { sink: EventSink; onEnd: (end: SubscriptionEnd) => void },
): Subscription {
  const subscription = new Subscription({
    ...request,
    hubs: context.hubs,
    maxHeld: context.maxHeld,
  });
  subscription.start();
  return subscription;
}
