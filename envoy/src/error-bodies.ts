/**
 * Every error body the gateway itself writes is JSON in the shape the transcoder gives service
 * errors, `{"code": <google.rpc.Code>, "message": "..."}`, so a REST client parses one format
 * whether the error came from a service, the transcoder, or Envoy.
 *
 * Envoy's own replies (no route, body too large, malformed JSON, upstream down) are "local
 * replies"; the mappers below rewrite their bodies, keeping Envoy's text as the message.
 */
import type { LocalReplyConfig, ResponseMapper, SubstitutionFormatString } from './envoy-types.js';

/** google.rpc.Code numbers, as the transcoder writes them for service errors. */
export const GRPC_CODE = {
  unknown: 2,
  invalidArgument: 3,
  deadlineExceeded: 4,
  notFound: 5,
  permissionDenied: 7,
  resourceExhausted: 8,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  unauthenticated: 16,
} as const;

/**
 * The code a local reply's HTTP status stands for. 413 is INVALID_ARGUMENT, not
 * RESOURCE_EXHAUSTED: the request itself is wrong, and sending it again will not help.
 */
export const LOCAL_REPLY_CODES: ReadonlyArray<readonly [httpStatus: number, grpcCode: number]> = [
  [400, GRPC_CODE.invalidArgument],
  [401, GRPC_CODE.unauthenticated],
  [403, GRPC_CODE.permissionDenied],
  [404, GRPC_CODE.notFound],
  [408, GRPC_CODE.deadlineExceeded],
  [413, GRPC_CODE.invalidArgument],
  [429, GRPC_CODE.resourceExhausted],
  [431, GRPC_CODE.invalidArgument],
  [500, GRPC_CODE.internal],
  [501, GRPC_CODE.unimplemented],
  [502, GRPC_CODE.unavailable],
  [503, GRPC_CODE.unavailable],
  [504, GRPC_CODE.deadlineExceeded],
];

/**
 * Builds the local reply config, one mapper per status. Every local 404 means no route for the
 * request (the catch-all route, or the transcoder finding no RPC for the method and path), so
 * its message names the path; the others keep the text Envoy or the transcoder wrote.
 */
export function buildLocalReplyConfig(): LocalReplyConfig {
  const mappers = LOCAL_REPLY_CODES.map(([httpStatus, grpcCode]): ResponseMapper => ({
    filter: {
      status_code_filter: {
        comparison: {
          op: 'EQ',
          value: { default_value: httpStatus, runtime_key: `roomcast.local_reply.${httpStatus}` },
        },
      },
    },
    body_format_override: jsonBody(
      grpcCode,
      httpStatus === 404 ? 'no route for %REQ(:PATH)%' : '%LOCAL_REPLY_BODY%',
    ),
  }));

  return {
    mappers,
    body_format: jsonBody(GRPC_CODE.unknown, '%LOCAL_REPLY_BODY%'),
  };
}

function jsonBody(code: number, message: string): SubstitutionFormatString {
  return { json_format: { code, message }, content_type: 'application/json' };
}
