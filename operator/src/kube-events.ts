/**
 * Kubernetes Events for what the operator did, so `kubectl describe room lobby` and
 * `kubectl get events` tell the story: RoomCreated, RoomUpdated, RoomArchived, Scaled...
 * Written as core/v1 Events, which every kubectl version shows.
 */
import type { CoreV1Api } from '@kubernetes/client-node';

import { asError, type Logger } from '@roomcast/kit';

/** The object an Event is about. */
export interface EventSubject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
}

export type EventType = 'Normal' | 'Warning';

/** Records Events; failures are logged, never thrown: an Event is a courtesy, not a duty. */
export class EventRecorder {
  constructor(
    private readonly core: CoreV1Api,
    private readonly options: { component: string; instance: string; log: Logger },
  ) {}

  async record(
    subject: EventSubject,
    event: { type: EventType; reason: string; action: string; message: string },
  ): Promise<void> {
    const now = new Date();
    try {
      await this.core.createNamespacedEvent({
        namespace: subject.namespace,
        body: {
          metadata: { generateName: `${subject.name}.`, namespace: subject.namespace },
          involvedObject: {
            apiVersion: subject.apiVersion,
            kind: subject.kind,
            namespace: subject.namespace,
            name: subject.name,
            uid: subject.uid,
          },
          type: event.type,
          reason: event.reason,
          action: event.action,
          message: event.message.slice(0, 1024),
          source: { component: this.options.component },
          reportingComponent: `roomcast.dev/${this.options.component}`,
          reportingInstance: this.options.instance,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    } catch (caught) {
      this.options.log.warn(
        {
          err: asError(caught),
          reason: event.reason,
          object: `${subject.namespace}/${subject.name}`,
        },
        'could not record a Kubernetes event',
      );
    }
  }
}
