import { status as GrpcStatus } from '@grpc/grpc-js';
import { roomService } from '@roomcast/room';
import { startInfra, type Infra } from '@roomcast/harness';
import {
  callUnary,
  connectClient,
  errorCodeOf,
  isServiceError,
  startService,
  type RunningService,
} from '@roomcast/kit';
import {
  RoomServiceClient,
  SessionServiceClient,
  type ChatSettings,
  type Room,
} from '@roomcast/proto';
import { expect } from 'vitest';
import { sessionService, type SessionConfig } from '../src/index.js';
import { EventTap } from './event-tap.js';

const BASE = { bindHost: '127.0.0.1', grpcPort: 0, metricsPort: 0, shutdownGraceMs: 1_000 };

/**
 * Real PostgreSQL, NATS and Redis; the Room service and the Session service in this process;
 * clients for both, and a tap on events.raw.>.
 */
export interface SessionFixture {
  infra: Infra;
  rooms: RoomServiceClient;
  sessions: SessionServiceClient;
  tap: EventTap;
  config: SessionConfig;
  /** Stops the Session service and starts a new one against the same stores. */
  restartSession(): Promise<void>;
  /** A Session service with its own settings (for example an unreachable Room). */
  startExtraSession(overrides: Partial<SessionConfig>): Promise<ExtraSession>;
  createRoom(fields?: { chat?: ChatSettings; title?: string }): Promise<Room>;
  stop(): Promise<void>;
}

export interface ExtraSession {
  client: SessionServiceClient;
  stop(): Promise<void>;
}

export async function startSessionFixture(): Promise<SessionFixture> {
  const infra = await startInfra();
  const room = await startService(roomService({ ...BASE, databaseUrl: infra.postgres.url }));
  const rooms = connectClient(RoomServiceClient, `127.0.0.1:${room.grpcPort}`);
  const config: SessionConfig = {
    ...BASE,
    databaseUrl: infra.postgres.url,
    redisUrl: infra.redis.url,
    natsUrl: infra.nats.url,
    roomServiceAddr: `127.0.0.1:${room.grpcPort}`,
    // Tests change chat settings and expect the next message to see them.
    roomCacheMs: 0,
    roomDeadlineMs: 2_000,
    publishTimeoutMs: 2_000,
  };

  let session = await startSessionServer(config);
  const tap = await EventTap.open(infra.nats.url);
  let slugs = 0;

  const fixture: SessionFixture = {
    infra,
    rooms,
    tap,
    config,
    get sessions() {
      return session.client;
    },
    restartSession: async () => {
      await session.stop();
      session = await startSessionServer(config);
    },
    startExtraSession: (overrides) => startSessionServer({ ...config, ...overrides }),
    createRoom: (fields = {}) => {
      slugs += 1;
      return callUnary(rooms, rooms.createRoom, {
        slug: `room-${slugs}`,
        title: fields.title ?? `Room ${slugs}`,
        owner: 'host',
        chat: fields.chat,
      });
    },
    stop: async () => {
      await tap.close();
      await session.stop();
      rooms.close();
      await room.stop();
      await infra.stop();
    },
  };
  return fixture;
}

async function startSessionServer(config: SessionConfig): Promise<ExtraSession> {
  const service: RunningService = await startService(sessionService(config));
  const client = connectClient(SessionServiceClient, `127.0.0.1:${service.grpcPort}`);
  return {
    client,
    stop: async () => {
      client.close();
      await service.stop();
    },
  };
}

/** Asserts a call was refused with this gRPC status and Roomcast error code; returns the message. */
export async function expectRefused(
  call: Promise<unknown>,
  status: GrpcStatus,
  code: string,
): Promise<string> {
  const caught: unknown = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isServiceError(caught)) throw new Error(`expected a gRPC error, got ${String(caught)}`);
  expect({ status: GrpcStatus[caught.code], code: errorCodeOf(caught) }).toEqual({
    status: GrpcStatus[status],
    code,
  });
  return caught.details;
}
