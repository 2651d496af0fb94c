import { status as GrpcStatus } from '@grpc/grpc-js';
import { startInfra, type Infra } from '@roomcast/harness';
import {
  connectClient,
  errorCodeOf,
  isServiceError,
  startService,
  type RunningService,
} from '@roomcast/kit';
import { RoomServiceClient } from '@roomcast/proto';
import { expect } from 'vitest';
import { roomService } from '../src/index.js';

/** A Room service on port 0 against a fresh PostgreSQL, and a client for it. */
export interface RoomFixture {
  infra: Infra;
  service: RunningService;
  client: RoomServiceClient;
  stop(): Promise<void>;
}

export async function startRoomFixture(): Promise<RoomFixture> {
  const infra = await startInfra();
  const service = await startService(
    roomService({
      bindHost: '127.0.0.1',
      grpcPort: 0,
      metricsPort: 0,
      shutdownGraceMs: 1_000,
      databaseUrl: infra.postgres.url,
    }),
  );
  const client = connectClient(RoomServiceClient, `127.0.0.1:${service.grpcPort}`);

  const stop = async () => {
    client.close();
    await service.stop();
    await infra.stop();
  };
  return { infra, service, client, stop };
}

/** Asserts a call was refused with this gRPC status and Roomcast error code. */
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
