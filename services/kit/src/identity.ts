import { randomUUID } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';

/**
 * Who is calling and which request this is. Read from request metadata in this one place, so
 * authentication can later fill it without touching every handler.
 */
export interface CallerIdentity {
  /** The authenticated user's handle or service name; undefined until authentication lands. */
  subject: string | undefined;
  /** Carried from x-request-id (Envoy sets it) or made up here. */
  requestId: string;
}

export function callerIdentity(metadata: Metadata): CallerIdentity {
  const first = (key: string) => {
    const value = metadata.get(key)[0];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };

  return {
    subject: first('x-roomcast-subject'),
    requestId: first('x-request-id') ?? randomUUID(),
  };
}
