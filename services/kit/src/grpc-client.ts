import { credentials, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';

type ClientConstructor<T extends Client> = new (
  address: string,
  creds: ReturnType<typeof credentials.createInsecure>,
  options?: Record<string, unknown>,
) => T;

/** A gRPC client for another Roomcast service at host:port, with keepalive. */
export function connectClient<T extends Client>(Ctor: ClientConstructor<T>, address: string): T {
  return new Ctor(address, credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
  });
}

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: { deadline: Date },
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

export interface CallOptions {
  /** Default 5000. */
  deadlineMs?: number;
  /** Carried to the callee so one request has one id across services. */
  requestId?: string;
}

/** Calls a unary method of a generated client as a promise, with a deadline. */
export function callUnary<Req, Res>(
  client: Client,
  method: UnaryMethod<Req, Res>,
  request: Req,
  options: CallOptions = {},
): Promise<Res> {
  const metadata = new Metadata();
  if (options.requestId) metadata.set('x-request-id', options.requestId);
  const deadline = new Date(Date.now() + (options.deadlineMs ?? 5_000));

  return new Promise((resolve, reject) => {
    method.call(client, request, metadata, { deadline }, (error, response) => {
      if (error) reject(error);
      else resolve(response);
    });
  });
}
