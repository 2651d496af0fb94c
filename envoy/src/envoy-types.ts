/**
 * The part of Envoy's v3 API the gateway uses, as TypeScript types in the proto field names
 * Envoy's YAML takes. They let the compiler catch shape mistakes while the config is built; the
 * proto checker (proto-check.ts) then holds the finished object against Envoy's own protos,
 * which catch what these hand-written types cannot (a field Envoy renamed, a wrong enum).
 */

/** A protobuf Duration in its JSON form, for example `15s` or `0.250s`; `0s` disables. */
export type Duration = `${number}s`;

/** A google.protobuf.Any in JSON: the message's fields plus its type URL. */
export type Typed<T extends object> = T & { '@type': string };

export interface Bootstrap {
  node: { id: string; cluster: string };
  admin: { address: Address; access_log?: AccessLog[] };
  static_resources: { listeners: Listener[]; clusters: Cluster[] };
}

export interface Address {
  socket_address: { address: string; port_value: number };
}

export interface Listener {
  name: string;
  address: Address;
  per_connection_buffer_limit_bytes?: number;
  filter_chains: Array<{ filters: NetworkFilter[] }>;
}

export interface NetworkFilter {
  name: 'envoy.filters.network.http_connection_manager';
  typed_config: Typed<HttpConnectionManager>;
}

export interface HttpConnectionManager {
  stat_prefix: string;
  codec_type: 'AUTO' | 'HTTP1' | 'HTTP2';
  use_remote_address: boolean;
  generate_request_id: boolean;
  always_set_request_id_in_response: boolean;
  normalize_path: boolean;
  merge_slashes: boolean;
  stream_idle_timeout: Duration;
  request_headers_timeout: Duration;
  common_http_protocol_options: { idle_timeout: Duration };
  upgrade_configs?: UpgradeConfig[];
  route_config: RouteConfiguration;
  http_filters: HttpFilter[];
  access_log: AccessLog[];
  local_reply_config: LocalReplyConfig;
}

export interface UpgradeConfig {
  upgrade_type: 'websocket';
  enabled?: boolean;
}

export interface HttpFilter {
  name: string;
  typed_config: Typed<object>;
  /** Off unless a route enables it through `typed_per_filter_config`. */
  disabled?: boolean;
}

export interface RouteConfiguration {
  name: string;
  virtual_hosts: VirtualHost[];
}

/** Per-filter overrides on a virtual host or route, keyed by the filter's name. */
export type PerFilterConfig = Record<string, Typed<object>>;

export interface VirtualHost {
  name: string;
  domains: string[];
  routes: Route[];
  typed_per_filter_config?: PerFilterConfig;
}

export interface Route {
  name: string;
  match: RouteMatch;
  route?: RouteAction;
  direct_response?: { status: number; body?: DataSource };
  typed_per_filter_config?: PerFilterConfig;
  /** Read by format strings as `%METADATA(ROUTE:<namespace>:<key>)%`. */
  metadata?: { filter_metadata: Record<string, Record<string, string>> };
}

export interface RouteMatch {
  prefix?: string;
  /** Matches the prefix itself or the prefix followed by `/`, never `/v1/usersX`. */
  path_separated_prefix?: string;
  /** Present (empty) to match gRPC requests only (content-type application/grpc*). */
  grpc?: Record<string, never>;
}

export interface RouteAction {
  cluster: string;
  timeout: Duration;
  /** Overrides the connection manager's stream idle timeout for this route. */
  idle_timeout?: Duration;
  upgrade_configs?: UpgradeConfig[];
  retry_policy?: RetryPolicy;
}

export interface RetryPolicy {
  /** Comma-separated conditions, for example `connect-failure,refused-stream`. */
  retry_on: string;
  num_retries: number;
  retry_back_off: { base_interval: Duration; max_interval: Duration };
}

export interface DataSource {
  inline_string: string;
}

export interface Cluster {
  name: string;
  type: 'STATIC' | 'STRICT_DNS';
  connect_timeout: Duration;
  lb_policy: 'ROUND_ROBIN';
  dns_lookup_family?: 'V4_ONLY' | 'V4_PREFERRED' | 'ALL';
  typed_extension_protocol_options: Record<string, Typed<HttpProtocolOptions>>;
  load_assignment: {
    cluster_name: string;
    endpoints: Array<{ lb_endpoints: Array<{ endpoint: { address: Address } }> }>;
  };
  health_checks?: HealthCheck[];
}

export interface HttpProtocolOptions {
  explicit_http_config:
    | {
        http2_protocol_options: {
          connection_keepalive?: { interval: Duration; timeout: Duration };
        };
      }
    | { http_protocol_options: Record<string, never> };
}

export interface HealthCheck {
  timeout: Duration;
  interval: Duration;
  unhealthy_threshold: number;
  healthy_threshold: number;
  grpc_health_check?: Record<string, never>;
  tcp_health_check?: Record<string, never>;
}

export interface AccessLog {
  name: 'envoy.access_loggers.stdout';
  typed_config: Typed<{ log_format: SubstitutionFormatString }>;
}

export interface SubstitutionFormatString {
  json_format: Record<string, string | number>;
  content_type?: string;
}

export interface LocalReplyConfig {
  mappers: ResponseMapper[];
  body_format: SubstitutionFormatString;
}

export interface ResponseMapper {
  filter: AccessLogFilter;
  body_format_override: SubstitutionFormatString;
}

export interface AccessLogFilter {
  status_code_filter?: {
    comparison: { op: 'EQ' | 'GE' | 'LE'; value: { default_value: number; runtime_key: string } };
  };
  response_flag_filter?: { flags: string[] };
  and_filter?: { filters: AccessLogFilter[] };
  /** Matches request headers; `present_match: false` matches a header that is absent. */
  header_filter?: { header: { name: string; present_match: boolean } };
  metadata_filter?: {
    matcher: {
      filter: string;
      path: Array<{ key: string }>;
      value: { string_match: { exact: string } };
    };
    match_if_key_not_found: boolean;
  };
}

export interface GrpcJsonTranscoder {
  proto_descriptor_bin: string;
  services: string[];
  print_options: {
    always_print_primitive_fields: boolean;
    preserve_proto_field_names: boolean;
  };
  match_incoming_request_route: boolean;
  convert_grpc_status: boolean;
  request_validation_options: {
    reject_unknown_method: boolean;
    reject_unknown_query_parameters: boolean;
  };
  max_request_body_size: number;
}

export interface CorsPolicy {
  allow_origin_string_match: Array<{ exact: string } | { safe_regex: { regex: string } }>;
  allow_methods: string;
  allow_headers: string;
  expose_headers: string;
  max_age: string;
}

const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** The `@type` of every message the gateway puts in an Any. */
export const TYPE_URL = {
  httpConnectionManager: `${TYPE_URL_PREFIX}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
  router: `${TYPE_URL_PREFIX}envoy.extensions.filters.http.router.v3.Router`,
  cors: `${TYPE_URL_PREFIX}envoy.extensions.filters.http.cors.v3.Cors`,
  corsPolicy: `${TYPE_URL_PREFIX}envoy.extensions.filters.http.cors.v3.CorsPolicy`,
  transcoder: `${TYPE_URL_PREFIX}envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder`,
  buffer: `${TYPE_URL_PREFIX}envoy.extensions.filters.http.buffer.v3.Buffer`,
  lua: `${TYPE_URL_PREFIX}envoy.extensions.filters.http.lua.v3.Lua`,
  filterConfig: `${TYPE_URL_PREFIX}envoy.config.route.v3.FilterConfig`,
  stdoutAccessLog: `${TYPE_URL_PREFIX}envoy.extensions.access_loggers.stream.v3.StdoutAccessLog`,
  httpProtocolOptions: `${TYPE_URL_PREFIX}envoy.extensions.upstreams.http.v3.HttpProtocolOptions`,
} as const;

/** Attaches an Any's type URL to a message. */
export function typed<T extends object>(typeUrl: string, message: T): Typed<T> {
  return { '@type': typeUrl, ...message };
}
