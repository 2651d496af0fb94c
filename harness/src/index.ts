/**
 * @roomcast/harness: real PostgreSQL, NATS (JetStream), Redis and Envoy on loopback, on free
 * ports, for tests and the local stack. Binaries come from `tools/install-servers.sh`.
 */
export {
  cacheDir,
  locateBinary,
  MissingBinaryError,
  overrideVariable,
  type ServerBinary,
} from './binaries.js';
export {
  EnvoyConfigError,
  startEnvoy,
  validateEnvoyConfig,
  type EnvoyOptions,
  type EnvoyServer,
} from './envoy.js';
export { freePort } from './free-port.js';
export { startInfra, type Infra, type InfraOptions } from './infra.js';
export { startNats, type NatsOptions, type NatsServer } from './nats.js';
export {
  POSTGRES_DATABASE,
  POSTGRES_PASSWORD,
  POSTGRES_USER,
  startPostgres,
  type PostgresOptions,
  type PostgresServer,
} from './postgres.js';
export {
  describeExit,
  ProcessStartError,
  startProcess,
  tailLog,
  type ProcessExit,
  type ServerProcess,
  type ServerProcessOptions,
} from './process.js';
export { startRedis, type RedisOptions, type RedisServer } from './redis.js';
export {
  CONTROL_PLANE_K8S_VERSION,
  controlPlaneBinaries,
  startControlPlane,
  type CommandOptions,
  type CommandResult,
  type ControlPlane,
  type ControlPlaneBinaries,
  type ControlPlaneOptions,
} from './control-plane.js';
