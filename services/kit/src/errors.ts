import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { ErrorInfo, Status } from '@roomcast/proto';
import type { Logger } from './logger.js';
import { asError } from './logger.js';

/** The domain every Roomcast ErrorInfo carries. */
export const ERROR_DOMAIN = 'roomcast.dev';

/** How a class of domain error maps to gRPC, decided here and nowhere else. */
const STATUS_OF_KIND = {
  invalid: GrpcStatus.INVALID_ARGUMENT,
  notFound: GrpcStatus.NOT_FOUND,
  exists: GrpcStatus.ALREADY_EXISTS,
  precondition: GrpcStatus.FAILED_PRECONDITION,
  exhausted: GrpcStatus.RESOURCE_EXHAUSTED,
  unavailable: GrpcStatus.UNAVAILABLE,
} as const;

export type ErrorKind = keyof typeof STATUS_OF_KIND;

/**
 * A domain error with a stable code (for example ROOM_NOT_FOUND) that clients may branch on,
 * and a message written for a person. It becomes one gRPC status at the server boundary.
 */
export class RoomcastError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly metadata: Record<string, string>;

  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    options: { cause?: unknown; metadata?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'RoomcastError';
    this.kind = kind;
    this.code = code;
    this.metadata = options.metadata ?? {};
  }

  get grpcStatus(): GrpcStatus {
    return STATUS_OF_KIND[this.kind];
  }
}

export const invalidArgument = (code: string, message: string, field?: string) =>
  new RoomcastError('invalid', code, message, field ? { metadata: { field } } : {});

export const notFound = (code: string, message: string) =>
  new RoomcastError('notFound', code, message);

export const alreadyExists = (code: string, message: string) =>
  new RoomcastError('exists', code, message);

export const failedPrecondition = (code: string, message: string) =>
  new RoomcastError('precondition', code, message);

/**
 * Turns anything a handler threw into the gRPC error the client sees. Domain errors keep their
 * status, message and code (as a google.rpc.ErrorInfo in the status details, which Envoy turns
 * into the JSON body). Anything else is INTERNAL with a safe message and a full log line.
 */
export function toServiceError(caught: unknown, log: Logger): Partial<ServiceError> {
  if (caught instanceof RoomcastError) {
    log.info({ code: caught.code, err: caught.message }, 'request refused');
    return serviceError(caught.grpcStatus, caught.message, caught.code, caught.metadata);
  }

  if (isServiceError(caught)) {
    log.warn({ err: caught }, 'downstream call failed');
    return serviceError(caught.code, caught.details || caught.message, 'UPSTREAM_ERROR', {});
  }

  log.error({ err: asError(caught) }, 'request failed unexpectedly');
  return serviceError(GrpcStatus.INTERNAL, 'internal error', 'INTERNAL', {});
}

function serviceError(
  code: GrpcStatus,
  message: string,
  reason: string,
  extra: Record<string, string>,
): Partial<ServiceError> {
  const info = ErrorInfo.encode({ reason, domain: ERROR_DOMAIN, metadata: extra }).finish();
  const details = Status.encode({
    code,
    message,
    details: [{ typeUrl: 'type.googleapis.com/google.rpc.ErrorInfo', value: Buffer.from(info) }],
  }).finish();

  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(details));
  return { code, details: message, metadata };
}

/** True for an error a gRPC client call produced. */
export function isServiceError(caught: unknown): caught is ServiceError {
  return (
    caught instanceof Error &&
    typeof (caught as Partial<ServiceError>).code === 'number' &&
    'metadata' in caught
  );
}

/** The stable Roomcast code inside a gRPC error from another service, if it carries one. */
export function errorCodeOf(error: ServiceError): string | undefined {
  const raw = error.metadata?.get('grpc-status-details-bin')[0];
  if (!raw || typeof raw === 'string') return undefined;
  const info = Status.decode(raw).details.find((d) => d.typeUrl.endsWith('google.rpc.ErrorInfo'));
  return info ? ErrorInfo.decode(info.value).reason : undefined;
}
