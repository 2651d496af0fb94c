/**
 * Every error body the gateway itself writes is JSON in the shape the transcoder gives service
 * errors, plus a stable reason: `{"code": <google.rpc.Code>, "reason": "ROUTE_NOT_FOUND",
 * "message": "..."}`, so a REST client parses one format whether the error came from a service,
 * the transcoder, or Envoy, and can branch on the reason rather than on Envoy's wording.
 *
 * Envoy's own replies (no route, body too large, malformed JSON, upstream down) and the request
 * check's (lua/request-check.lua) are "local replies"; the mappers below rewrite their bodies.
 * Service errors are not local replies and keep their `{code, message, details}` untouched.
 */
import type {
  AccessLogFilter,
  LocalReplyConfig,
  ResponseMapper,
  SubstitutionFormatString,
} from './envoy-types.js';

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

/** The message a gRPC client gets when it calls the public listener. */
export const GRPC_REFUSED_MESSAGE =
  'gRPC is not served on the public gateway; call the REST API under /v1 instead';

/**
 * The dynamic metadata namespace where the request check leaves its reason, and the route
 * metadata namespace holding each route's service name.
 */
export const REASON_NAMESPACE = 'roomcast.gateway';

/** One kind of local reply: its HTTP status, google.rpc.Code, stable reason and message. */
export interface LocalReply {
  httpStatus: number;
  code: number;
  reason: string;
  /** An Envoy format string. Default: `%LOCAL_REPLY_BODY%`, the text Envoy or Lua wrote. */
  message?: string;
}

/**
 * Replies the request check (lua/request-check.lua) makes, told apart from other replies of the
 * same status by the reason it leaves in dynamic metadata. INVALID_JSON is the transcoder's 400
 * for a body the check could not scan either.
 */
export const CHECKED_REPLIES: readonly LocalReply[] = [
  { httpStatus: 400, code: GRPC_CODE.invalidArgument, reason: 'UNKNOWN_FIELD' },
  { httpStatus: 400, code: GRPC_CODE.invalidArgument, reason: 'PATH_FIELD_IN_QUERY' },
  { httpStatus: 400, code: GRPC_CODE.invalidArgument, reason: 'INVALID_JSON' },
  { httpStatus: 405, code: GRPC_CODE.unimplemented, reason: 'METHOD_NOT_ALLOWED' },
  { httpStatus: 403, code: GRPC_CODE.permissionDenied, reason: 'GRPC_NOT_SERVED' },
];

/**
 * A 400 before the request was given an id: Envoy refused its path or headers before routing
 * (a `%00` in the path), and wrote no text, so the message names Envoy's response code details.
 */
export const MALFORMED_REQUEST: LocalReply = {
  httpStatus: 400,
  code: GRPC_CODE.invalidArgument,
  reason: 'MALFORMED_REQUEST',
  message: 'the request path or headers cannot be read (%RESPONSE_CODE_DETAILS%)',
};

/**
 * Every other local reply, by status. 413 is INVALID_ARGUMENT, not RESOURCE_EXHAUSTED: the
 * request itself is wrong, and sending it again will not help. Every local 404 is no route for
 * the request (the catch-all route, or the transcoder finding no RPC for the path). A 503 says
 * which service is down (route metadata) and nothing of Envoy's connection details.
 */
export function statusReplies(maxRequestBodyBytes: number): LocalReply[] {
  const service = `%METADATA(ROUTE:${REASON_NAMESPACE}:service)%`;
  return [
    { httpStatus: 400, code: GRPC_CODE.invalidArgument, reason: 'INVALID_REQUEST' },
    { httpStatus: 401, code: GRPC_CODE.unauthenticated, reason: 'UNAUTHENTICATED' },
    { httpStatus: 403, code: GRPC_CODE.permissionDenied, reason: 'GRPC_NOT_SERVED' },
    {
      httpStatus: 404,
      code: GRPC_CODE.notFound,
      reason: 'ROUTE_NOT_FOUND',
      message: 'no route for %REQ(:PATH)%',
    },
    { httpStatus: 405, code: GRPC_CODE.unimplemented, reason: 'METHOD_NOT_ALLOWED' },
    { httpStatus: 408, code: GRPC_CODE.deadlineExceeded, reason: 'REQUEST_TIMEOUT' },
    {
      httpStatus: 413,
      code: GRPC_CODE.invalidArgument,
      reason: 'BODY_TOO_LARGE',
      message: `the request body is larger than the limit of ${maxRequestBodyBytes} bytes`,
    },
    { httpStatus: 429, code: GRPC_CODE.resourceExhausted, reason: 'RATE_LIMITED' },
    { httpStatus: 431, code: GRPC_CODE.invalidArgument, reason: 'HEADERS_TOO_LARGE' },
    { httpStatus: 500, code: GRPC_CODE.internal, reason: 'GATEWAY_ERROR' },
    { httpStatus: 501, code: GRPC_CODE.unimplemented, reason: 'NOT_IMPLEMENTED' },
    { httpStatus: 502, code: GRPC_CODE.unavailable, reason: 'UPSTREAM_UNAVAILABLE' },
    {
      httpStatus: 503,
      code: GRPC_CODE.unavailable,
      reason: 'UPSTREAM_UNAVAILABLE',
      message: `the ${service} service is unavailable; retry shortly`,
    },
    { httpStatus: 504, code: GRPC_CODE.deadlineExceeded, reason: 'UPSTREAM_TIMEOUT' },
  ];
}

/** What a local reply of a status not listed says; Envoy's details keep the message non-empty. */
export const OTHER_REPLY: Omit<LocalReply, 'httpStatus'> = {
  code: GRPC_CODE.unknown,
  reason: 'GATEWAY_ERROR',
  message: 'the gateway answered %RESPONSE_CODE% (%RESPONSE_CODE_DETAILS%)',
};

/**
 * Builds the local reply config: the request check's replies first (matched by status and the
 * reason it left), then malformed requests, then one mapper per status.
 */
export function buildLocalReplyConfig(options: { maxRequestBodyBytes: number }): LocalReplyConfig {
  const checked = CHECKED_REPLIES.map((reply) =>
    mapper(reply, {
      and_filter: { filters: [statusIs(reply.httpStatus), reasonIs(reply.reason)] },
    }),
  );
  const malformed = mapper(MALFORMED_REQUEST, {
    and_filter: {
      filters: [
        statusIs(MALFORMED_REQUEST.httpStatus),
        // use_remote_address with generate_request_id gives every routed request an id.
        { header_filter: { header: { name: 'x-request-id', present_match: false } } },
      ],
    },
  });
  const byStatus = statusReplies(options.maxRequestBodyBytes).map((reply) =>
    mapper(reply, statusIs(reply.httpStatus)),
  );

  return {
    mappers: [...checked, malformed, ...byStatus],
    body_format: jsonBody(OTHER_REPLY),
  };
}

function mapper(reply: LocalReply, filter: AccessLogFilter): ResponseMapper {
  return { filter, body_format_override: jsonBody(reply) };
}

function statusIs(httpStatus: number): AccessLogFilter {
  return {
    status_code_filter: {
      comparison: {
        op: 'EQ',
        value: { default_value: httpStatus, runtime_key: `roomcast.local_reply.${httpStatus}` },
      },
    },
  };
}

function reasonIs(reason: string): AccessLogFilter {
  return {
    metadata_filter: {
      matcher: {
        filter: REASON_NAMESPACE,
        path: [{ key: 'reason' }],
        value: { string_match: { exact: reason } },
      },
      match_if_key_not_found: false,
    },
  };
}

function jsonBody(reply: Omit<LocalReply, 'httpStatus'>): SubstitutionFormatString {
  return {
    json_format: {
      code: reply.code,
      reason: reply.reason,
      message: reply.message ?? '%LOCAL_REPLY_BODY%',
    },
    content_type: 'application/json',
  };
}
