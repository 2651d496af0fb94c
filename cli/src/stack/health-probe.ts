/**
 * Asks a service whether it is ready through the standard gRPC health check
 * (grpc.health.v1.Health/Check), the same probe Kubernetes runs against the pods.
 */
import {
  credentials,
  makeGenericClientConstructor,
  type Client,
  type ServiceError,
} from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

/** The answer of grpc.health.v1.Health/Check for the whole server (service ''). */
export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

type CheckCallback = (error: ServiceError | null, response?: { status: ServingStatus }) => void;

interface HealthClient extends Client {
  check(request: { service: string }, options: { deadline: Date }, callback: CheckCallback): void;
}

const HealthClientCtor = makeGenericClientConstructor(healthService, 'Health');

/** A health client for one address; reuse it across probes and close it when done. */
export interface HealthProbe {
  /** Resolves the server's status; rejects when it cannot be reached within `deadlineMs`. */
  check(deadlineMs?: number): Promise<ServingStatus>;
  close(): void;
}

/** A health client for the gRPC server at `127.0.0.1:<port>`. */
export function healthProbe(port: number): HealthProbe {
  // The generic constructor types its methods loosely; Check's shape is fixed by the protocol.
  const client = new HealthClientCtor(
    `127.0.0.1:${port}`,
    credentials.createInsecure(),
  ) as unknown as HealthClient;

  const check = (deadlineMs = 1_000): Promise<ServingStatus> =>
    new Promise((resolve, reject) => {
      const deadline = new Date(Date.now() + deadlineMs);
      client.check({ service: '' }, { deadline }, (error, response) => {
        if (error) reject(error);
        else resolve(response?.status ?? 'UNKNOWN');
      });
    });

  return { check, close: () => client.close() };
}
