/**
 * The autoscaler's inputs and last decision, visible with
 * `kubectl get configmap roomcast-autoscaler-status -o yaml` in Realtime's namespace. Written
 * only when something in it changes, so a steady state costs no API writes.
 */
import type { V1ConfigMap } from '@kubernetes/client-node';

import { isNotFound, type KubeClients } from './kube-client.js';

export const AUTOSCALER_STATUS_CONFIGMAP = 'roomcast-autoscaler-status';

/** What the status says; every value is a string, as ConfigMap data must be. */
export interface AutoscalerStatus {
  deployment: string;
  /** ok, or why nothing was decided: no deployment, no counts. */
  state: string;
  reason: string;
  totalConnections?: number;
  currentReplicas?: number;
  recommendedReplicas?: number;
  desiredReplicas?: number;
  /** Pod name to connection count, of the pods that reported with a live heartbeat. */
  perPod?: Record<string, number>;
  stalePods?: string[];
  policy: {
    targetConnectionsPerPod: number;
    minReplicas: number;
    maxReplicas: number;
    scaleDownStabilizationMs: number;
  };
  lastScale?: { from: number; to: number; atIso: string };
}

export class AutoscalerStatusWriter {
  private lastWritten = '';

  constructor(
    private readonly clients: KubeClients,
    private readonly namespace: string,
  ) {}

  async write(status: AutoscalerStatus): Promise<void> {
    const data = toData(status);
    const serialized = JSON.stringify(data);
    if (serialized === this.lastWritten) return;

    const body: V1ConfigMap = {
      metadata: {
        name: AUTOSCALER_STATUS_CONFIGMAP,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/name': 'roomcast', 'app.kubernetes.io/component': 'operator' },
      },
      data,
    };
    try {
      // The operator is the only writer, so an unconditional replace is safe and drops keys
      // that no longer apply (a merge patch would keep them).
      await this.clients.core.replaceNamespacedConfigMap({
        name: AUTOSCALER_STATUS_CONFIGMAP,
        namespace: this.namespace,
        body,
      });
    } catch (caught) {
      if (!isNotFound(caught)) throw caught;
      await this.clients.core.createNamespacedConfigMap({ namespace: this.namespace, body });
    }
    this.lastWritten = serialized;
  }
}

function toData(status: AutoscalerStatus): Record<string, string> {
  const data: Record<string, string> = {
    deployment: status.deployment,
    state: status.state,
    reason: status.reason,
    targetConnectionsPerPod: String(status.policy.targetConnectionsPerPod),
    minReplicas: String(status.policy.minReplicas),
    maxReplicas: String(status.policy.maxReplicas),
    scaleDownStabilizationSeconds: String(status.policy.scaleDownStabilizationMs / 1000),
  };
  const numbers = {
    totalConnections: status.totalConnections,
    currentReplicas: status.currentReplicas,
    recommendedReplicas: status.recommendedReplicas,
    desiredReplicas: status.desiredReplicas,
  };
  for (const [key, value] of Object.entries(numbers)) {
    if (value !== undefined) data[key] = String(value);
  }
  if (status.perPod) data.connectionsPerPod = JSON.stringify(status.perPod);
  if (status.stalePods?.length) data.stalePods = status.stalePods.join(',');
  if (status.lastScale) {
    data.lastScale = `${status.lastScale.from} -> ${status.lastScale.to}`;
    data.lastScaleTime = status.lastScale.atIso;
  }
  return data;
}
