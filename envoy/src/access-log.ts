/**
 * One JSON line per request on Envoy's stdout, next to the services' pino lines, carrying the
 * request id the services also see in `x-request-id`.
 */
import { TYPE_URL, typed, type AccessLog } from './envoy-types.js';

/** The fields of an access log line, as Envoy substitution commands. */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  time: '%START_TIME%',
  request_id: '%REQ(X-REQUEST-ID)%',
  // The transcoder rewrites :method and :path to the gRPC call and keeps the REST ones aside.
  method: '%REQ(X-ENVOY-ORIGINAL-METHOD?:METHOD)%',
  path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  grpc_method: '%REQ(:PATH)%',
  status: '%RESPONSE_CODE%',
  response_flags: '%RESPONSE_FLAGS%',
  duration_ms: '%DURATION%',
  upstream_cluster: '%UPSTREAM_CLUSTER%',
  upstream_host: '%UPSTREAM_HOST%',
  bytes_received: '%BYTES_RECEIVED%',
  bytes_sent: '%BYTES_SENT%',
  client: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
  user_agent: '%REQ(USER-AGENT)%',
};

/** The access log of the public listener. */
export function buildAccessLog(): AccessLog[] {
  return [
    {
      name: 'envoy.access_loggers.stdout',
      typed_config: typed(TYPE_URL.stdoutAccessLog, {
        log_format: { json_format: { ...ACCESS_LOG_FIELDS } },
      }),
    },
  ];
}
