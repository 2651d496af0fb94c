/**
 * The HTTP filter chain of the public listener: CORS, the request body limit, the check for
 * unknown JSON fields (body-check.ts), the gRPC-JSON transcoder, then the router.
 *
 * Routes that must not meet a filter switch it off (route-config.ts): a WebSocket upgrade skips
 * the buffer (its request never ends), the body check and the transcoder; a webhook skips the
 * body check and the transcoder. The
 * other way round (off by default, on per route) is not open to the transcoder: Envoy will not
 * switch a filter on without a per-route config, and the transcoder's would repeat the
 * descriptor set.
 */
import { readFileSync } from 'node:fs';
import {
  TYPE_URL,
  typed,
  type CorsPolicy,
  type GrpcJsonTranscoder,
  type HttpFilter,
} from './envoy-types.js';
import type { ResolvedGatewayOptions } from './gateway-options.js';
import { bodyCheckLua } from './body-check.js';
import { readBodySchema } from './body-schema.js';
import { transcodedServices } from './route-table.js';

/** The names routes use to switch filters on in `typed_per_filter_config`. */
export const FILTER = {
  cors: 'envoy.filters.http.cors',
  transcoder: 'envoy.filters.http.grpc_json_transcoder',
  buffer: 'envoy.filters.http.buffer',
  bodyCheck: 'envoy.filters.http.lua',
  router: 'envoy.filters.http.router',
} as const;

/** Builds the filter chain; reads the descriptor set so the YAML carries it inline. */
export function buildHttpFilters(options: ResolvedGatewayOptions): HttpFilter[] {
  const descriptorSet = readDescriptorSet(options.descriptorSetPath);
  const services = transcodedServices();
  const bodyCheck = bodyCheckLua(readBodySchema(descriptorSet, services));

  return [
    { name: FILTER.cors, typed_config: typed(TYPE_URL.cors, {}) },
    {
      name: FILTER.buffer,
      typed_config: typed(TYPE_URL.buffer, { max_request_bytes: options.maxRequestBodyBytes }),
    },
    {
      name: FILTER.bodyCheck,
      typed_config: typed(TYPE_URL.lua, { default_source_code: { inline_string: bodyCheck } }),
    },
    {
      name: FILTER.transcoder,
      typed_config: typed(TYPE_URL.transcoder, buildTranscoder(options, descriptorSet, services)),
    },
    { name: FILTER.router, typed_config: typed(TYPE_URL.router, {}) },
  ];
}

function buildTranscoder(
  options: ResolvedGatewayOptions,
  descriptorSet: Buffer,
  services: string[],
): GrpcJsonTranscoder {
  return {
    proto_descriptor_bin: descriptorSet.toString('base64'),
    services,
    print_options: {
      // A zero count or an empty string is still printed, so clients need no defaults table.
      always_print_primitive_fields: true,
      preserve_proto_field_names: false,
    },
    // Keep the route chosen by the REST path: the gRPC path the transcoder makes up must not
    // be matched again, since the public routes deliberately have none for gRPC paths.
    match_incoming_request_route: true,
    convert_grpc_status: true,
    request_validation_options: {
      reject_unknown_method: true,
      reject_unknown_query_parameters: true,
    },
    max_request_body_size: options.maxRequestBodyBytes,
  };
}

function readDescriptorSet(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`reading the transcoder's descriptor set ${path}`, { cause: error });
  }
}

/**
 * The CORS policy for browsers on the allowed origins; undefined when none is allowed, which
 * leaves cross-origin requests without CORS headers (browsers then refuse them).
 */
export function buildCorsPolicy(origins: readonly string[]): CorsPolicy | undefined {
  if (origins.length === 0) return undefined;

  return {
    allow_origin_string_match: origins.map((origin) =>
      origin === '*' ? { safe_regex: { regex: '.*' } } : { exact: origin },
    ),
    allow_methods: 'GET, POST, PATCH, PUT, DELETE, OPTIONS',
    allow_headers: 'authorization, content-type, x-request-id',
    expose_headers: 'x-request-id',
    max_age: '600',
  };
}
