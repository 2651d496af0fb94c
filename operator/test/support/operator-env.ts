/**
 * Everything an operator integration test runs against, all real and on loopback: a
 * kube-apiserver with the Room CRD applied, PostgreSQL, NATS and Redis, and the Room service
 * started in-process. Operators are started in-process too, with timings shortened so that
 * retries, resyncs and leases play out in seconds.
 */
import { fileURLToPath } from 'node:url';

import { startControlPlane, startInfra, type ControlPlane, type Infra } from '@roomcast/harness';
import { connectClient, startService, type RunningService } from '@roomcast/kit';
import { RoomServiceClient } from '@roomcast/proto';
import { roomService } from '@roomcast/room';

import type { OperatorConfig } from '../../src/config.js';
import { startOperator, type RunningOperator } from '../../src/operator.js';
import { DEFAULT_STREAM_LIMITS } from '@roomcast/kit';

const CRD_PATH = fileURLToPath(
  new URL('../../../charts/roomcast/crds/rooms.roomcast.dev.yaml', import.meta.url),
);

export interface OperatorEnv {
  controlPlane: ControlPlane;
  infra: Infra;
  /** host:port of the Room service; the same across stopRoomService/startRoomService. */
  roomAddr: string;
  /** A client of the Room service, to check what the operator did. */
  rooms: RoomServiceClient;
  /** Runs kubectl; throws with its stderr when it fails. */
  kubectl(args: string[], input?: string): Promise<string>;
  stopRoomService(): Promise<void>;
  startRoomService(): Promise<void>;
  /** The operator configuration of these tests; `overrides` change parts of it. */
  config(overrides?: Partial<OperatorConfig> & { identity?: string }): OperatorConfig;
  /** Starts an operator that stop() stops, if the test did not. */
  startOperator(
    overrides?: Partial<OperatorConfig> & { identity?: string },
  ): Promise<RunningOperator>;
  stop(): Promise<void>;
}

export async function startOperatorEnv(): Promise<OperatorEnv> {
  const [controlPlane, infra] = await Promise.all([startControlPlane(), startInfra()]);
  const kubectl = async (args: string[], input?: string) => {
    const result = await controlPlane.kubectl(args, { input });
    if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  await kubectl(['apply', '-f', CRD_PATH]);
  await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/rooms.roomcast.dev']);

  let roomPort = 0;
  let room: RunningService | undefined;
  const startRoomService = async () => {
    room = await startService(
      roomService({
        bindHost: '127.0.0.1',
        grpcPort: roomPort,
        metricsPort: 0,
        shutdownGraceMs: 500,
        databaseUrl: infra.postgres.url,
      }),
    );
    roomPort = room.grpcPort;
  };
  await startRoomService();
  const roomAddr = `127.0.0.1:${roomPort}`;
  const rooms = connectClient(RoomServiceClient, roomAddr);

  const operators: RunningOperator[] = [];
  let counter = 0;
  const config = (overrides: Partial<OperatorConfig> & { identity?: string } = {}) => {
    const { identity = `operator-${++counter}`, ...rest } = overrides;
    return testConfig({ controlPlane, infra, roomAddr, identity, ...rest });
  };

  return {
    controlPlane,
    infra,
    roomAddr,
    rooms,
    kubectl,
    startRoomService,
    async stopRoomService() {
      await room?.stop();
      room = undefined;
    },
    config,
    async startOperator(overrides) {
      const operator = await startOperator(config(overrides));
      operators.push(operator);
      return operator;
    },
    async stop() {
      for (const operator of operators) await operator.stop().catch(() => undefined);
      rooms.close();
      await room?.stop();
      await Promise.allSettled([controlPlane.stop(), infra.stop()]);
    },
  };
}

function testConfig(
  options: {
    controlPlane: ControlPlane;
    infra: Infra;
    roomAddr: string;
    identity: string;
  } & Partial<OperatorConfig>,
): OperatorConfig {
  const { controlPlane, infra, roomAddr, identity, ...overrides } = options;
  return {
    kubeconfigPath: controlPlane.kubeconfigPath,
    watchNamespace: '',
    resyncMs: 3_000,
    watchTimeoutSeconds: 60,
    watchStallMs: 90_000,
    concurrency: 4,
    retryBaseMs: 100,
    retryMaxMs: 1_000,
    reconcileRatePerSecond: 50,
    reconcileBurst: 100,
    cleanupMaxAttempts: 10,
    roomServiceAddr: roomAddr,
    roomServiceDeadlineMs: 2_000,
    sessionServiceAddr: undefined,
    sessionServiceDeadlineMs: 1_000,
    liveSessionRefreshMs: 10_000,
    natsUrl: infra.nats.url,
    streamResyncMs: 2_000,
    streamLimits: DEFAULT_STREAM_LIMITS,
    bindHost: '127.0.0.1',
    metricsPort: 0,
    healthPort: undefined,
    leaderElection: {
      leaseName: 'roomcast-operator',
      leaseNamespace: 'default',
      identity,
      // Short enough for failover tests, long enough that a loaded 2-core machine renews in time.
      leaseDurationMs: 4_000,
      renewDeadlineMs: 3_000,
      retryPeriodMs: 250,
    },
    autoscale: {
      enabled: false,
      redisUrl: infra.redis.url,
      deployment: 'roomcast-realtime',
      namespace: 'default',
      targetConnectionsPerPod: 100,
      minReplicas: 1,
      maxReplicas: 10,
      scaleDownStabilizationMs: 2_000,
      intervalMs: 200,
      connectionsKey: 'realtime:connections',
      heartbeatPrefix: 'realtime:instance:',
    },
    ...overrides,
  };
}
