/** @roomcast/operator: the Kubernetes operator for Rooms, JetStream streams and Realtime scaling. */
export { startOperator, type RunningOperator, type StartOperatorOptions } from './operator.js';
export {
  readOperatorConfig,
  type AutoscaleConfig,
  type LeaderElectionConfig,
  type OperatorConfig,
} from './config.js';
export { OperatorEvents, type OperatorEvent } from './operator-events.js';
export { decideScale, type ScaleDecision, type ScalePolicy } from './scale-policy.js';
export { AUTOSCALER_STATUS_CONFIGMAP } from './autoscaler-status.js';
export { POD_DELETION_COST } from './realtime-autoscaler.js';
export { ROOM_HISTORY_BUCKET, type RoomHistoryPolicy } from './room-history.js';
export {
  CLEANUP_FINALIZER,
  SKIP_CLEANUP_ANNOTATION,
  slugFor,
  type RoomObject,
} from './room-resource.js';
