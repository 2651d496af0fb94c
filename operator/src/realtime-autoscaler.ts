/**
 * Scales the Realtime Deployment on live connection counts. Every AUTOSCALE_INTERVAL_MS the
 * leader reads the counts from Redis and the replicas from the Deployment's scale subresource,
 * asks scale-policy.ts what the replicas should be, and writes them back through the scale
 * subresource: the only writer of that field (the chart sets no replicas on that Deployment).
 * Before scaling down it marks each pod's pod-deletion-cost with its connection count, so the
 * ReplicaSet removes the emptiest pods first. Each scale is an Event on the Deployment; the
 * inputs and decision are in the ConfigMap of autoscaler-status.ts.
 */
import { asError, type Logger, type Redis } from '@roomcast/kit';

import { AutoscalerStatusWriter, type AutoscalerStatus } from './autoscaler-status.js';
import type { Clock, TimerHandle } from './clock.js';
import type { AutoscaleConfig } from './config.js';
import { readConnectionCounts, type ConnectionCounts } from './connection-counts.js';
import { isNotFound, MERGE_PATCH, type KubeClients } from './kube-client.js';
import type { EventRecorder } from './kube-events.js';
import type { OperatorEvents } from './operator-events.js';
import { decideScale, type Recommendation, type ScaleDecision } from './scale-policy.js';

/** The annotation the ReplicaSet controller reads: lower cost goes first when scaling down. */
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

export interface RealtimeAutoscalerOptions {
  clients: KubeClients;
  redis: Redis;
  config: AutoscaleConfig;
  recorder: EventRecorder;
  events: OperatorEvents;
  log: Logger;
  clock: Clock;
}

export class RealtimeAutoscaler {
  private history: Recommendation[] = [];
  private lastScale: AutoscalerStatus['lastScale'];
  private lastSkip: string | undefined;
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly status: AutoscalerStatusWriter;

  constructor(private readonly options: RealtimeAutoscalerOptions) {
    this.status = new AutoscalerStatusWriter(options.clients, options.config.namespace);
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }

  /** One evaluation; errors are logged and the next tick tries again. */
  async tick(): Promise<void> {
    try {
      await this.evaluate();
    } catch (caught) {
      this.options.log.error({ err: asError(caught) }, 'autoscaler evaluation failed');
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimer(() => {
      this.running = this.tick().finally(() => this.schedule(this.options.config.intervalMs));
    }, delayMs);
  }

  private async evaluate(): Promise<void> {
    const { config, clock } = this.options;
    const current = await this.readReplicas();
    if (current === undefined) return this.skip(`deployment ${config.deployment} not found`);

    let counts: ConnectionCounts;
    try {
      counts = await readConnectionCounts(this.options.redis, config);
    } catch (caught) {
      // Without counts nothing is known; holding beats scaling everyone in on a Redis outage.
      return this.skip(`connection counts unavailable: ${asError(caught).message}`);
    }

    // A new leader knows no past recommendations; counting the current replicas as one makes
    // its first scale-down wait a full window instead of acting on a single reading.
    if (this.history.length === 0) this.history = [{ atMs: clock.now(), replicas: current }];
    const decision = decideScale(config, {
      nowMs: clock.now(),
      totalConnections: counts.total,
      currentReplicas: current,
      history: this.history,
    });
    this.history = decision.history;
    this.lastSkip = undefined;
    this.options.events.emit({
      type: 'autoscale-evaluated',
      totalConnections: counts.total,
      currentReplicas: current,
      desiredReplicas: decision.desired,
      reason: decision.reason,
    });

    if (decision.desired !== current) await this.scale(current, decision, counts);
    await this.status.write(this.statusOf('ok', decision.reason, { current, decision, counts }));
  }

  private async scale(from: number, decision: ScaleDecision, counts: ConnectionCounts) {
    const { clients, config, clock, log } = this.options;
    if (decision.desired < from) await this.markDeletionCosts(counts);

    await clients.apps.patchNamespacedDeploymentScale(
      {
        name: config.deployment,
        namespace: config.namespace,
        body: { spec: { replicas: decision.desired } },
      },
      MERGE_PATCH,
    );
    this.lastScale = { from, to: decision.desired, atIso: new Date(clock.now()).toISOString() };
    log.info({ from, to: decision.desired, connections: counts.total }, 'scaled realtime');
    this.options.events.emit({
      type: 'autoscale-scaled',
      from,
      to: decision.desired,
      reason: decision.reason,
    });

    await this.options.recorder.record(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: config.namespace,
        name: config.deployment,
      },
      {
        type: 'Normal',
        reason: 'Scaled',
        action: 'Scale',
        message: `scaled from ${from} to ${decision.desired} replicas: ${decision.reason}`,
      },
    );
  }

  /** Gives every Realtime pod a deletion cost equal to its connections: emptiest go first. */
  private async markDeletionCosts(counts: ConnectionCounts): Promise<void> {
    const { clients, config } = this.options;
    const deployment = await clients.apps.readNamespacedDeployment({
      name: config.deployment,
      namespace: config.namespace,
    });
    const labels = deployment.spec?.selector?.matchLabels ?? {};
    const labelSelector = Object.entries(labels)
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    const pods = await clients.core.listNamespacedPod({
      namespace: config.namespace,
      labelSelector,
    });

    for (const pod of pods.items) {
      const name = pod.metadata?.name;
      if (!name || pod.metadata?.deletionTimestamp) continue;
      const cost = String(Math.min(counts.perPod[name] ?? 0, 2_147_483_647));
      if (pod.metadata?.annotations?.[POD_DELETION_COST] === cost) continue;
      await clients.core.patchNamespacedPod(
        {
          name,
          namespace: config.namespace,
          body: { metadata: { annotations: { [POD_DELETION_COST]: cost } } },
        },
        MERGE_PATCH,
      );
    }
  }

  private async readReplicas(): Promise<number | undefined> {
    const { clients, config } = this.options;
    try {
      const scale = await clients.apps.readNamespacedDeploymentScale({
        name: config.deployment,
        namespace: config.namespace,
      });
      return scale.spec?.replicas ?? 0;
    } catch (caught) {
      if (isNotFound(caught)) return undefined;
      throw caught;
    }
  }

  private async skip(why: string): Promise<void> {
    this.options.events.emit({ type: 'autoscale-skipped', why });
    // Said once per cause: a missing Deployment would otherwise log every interval.
    if (why !== this.lastSkip) this.options.log.warn({ why }, 'autoscaler holds the replicas');
    this.lastSkip = why;
    await this.status.write(this.statusOf('waiting', why));
  }

  private statusOf(
    state: string,
    reason: string,
    seen?: { current: number; decision: ScaleDecision; counts: ConnectionCounts },
  ): AutoscalerStatus {
    const { config } = this.options;
    return {
      deployment: config.deployment,
      state,
      reason,
      totalConnections: seen?.counts.total,
      currentReplicas: seen?.decision.desired,
      recommendedReplicas: seen?.decision.recommended,
      desiredReplicas: seen?.decision.desired,
      perPod: seen?.counts.perPod,
      stalePods: seen?.counts.stale,
      policy: config,
      lastScale: this.lastScale,
    };
  }
}
