import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveGatewayOptions } from '@roomcast/envoy';
import {
  buildLocalReplyConfig,
  CHECKED_REPLIES,
  MALFORMED_REQUEST,
  OTHER_REPLY,
  statusReplies,
} from '../src/error-bodies.js';
import { buildRouteConfig, CONNECT_RETRY_POLICY } from '../src/route-config.js';

const allReplies = [...CHECKED_REPLIES, MALFORMED_REQUEST, ...statusReplies(1024), OTHER_REPLY];

describe('error bodies', () => {
  it('error bodies - every local reply has a stable UPPER_SNAKE reason and a message', () => {
    for (const reply of allReplies) {
      expect(reply.reason).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
      // A reply whose text Envoy may leave empty must not rely on it alone.
      expect(reply.message ?? '%LOCAL_REPLY_BODY%').not.toBe('');
    }
    expect(MALFORMED_REQUEST.message).not.toContain('%LOCAL_REPLY_BODY%');
    expect(OTHER_REPLY.message).not.toContain('%LOCAL_REPLY_BODY%');
  });

  it('error bodies - each status maps to one reason, and the request check is matched first', () => {
    const statuses = statusReplies(1024).map((reply) => reply.httpStatus);
    expect(new Set(statuses).size).toBe(statuses.length);

    const { mappers } = buildLocalReplyConfig({ maxRequestBodyBytes: 1024 });
    const firstByStatus = mappers.findIndex((mapper) => mapper.filter.status_code_filter);
    const lastChecked = mappers.findLastIndex((mapper) => mapper.filter.and_filter);
    expect(lastChecked).toBeLessThan(firstByStatus);
    expect(mappers).toHaveLength(CHECKED_REPLIES.length + 1 + statuses.length);
  });

  it('error bodies - a 503 names the route service and says nothing of the connection', () => {
    const unavailable = statusReplies(1024).find((reply) => reply.httpStatus === 503);

    expect(unavailable).toEqual({
      httpStatus: 503,
      code: 14,
      reason: 'UPSTREAM_UNAVAILABLE',
      message:
        'the %METADATA(ROUTE:roomcast.gateway:service)% service is unavailable; retry shortly',
    });
  });

  it('error bodies - a 413 states the configured limit', () => {
    const tooLarge = statusReplies(2048).find((reply) => reply.httpStatus === 413);
    expect(tooLarge?.message).toBe('the request body is larger than the limit of 2048 bytes');
  });

  it('error bodies - docs/gateway.md lists every reason the gateway writes', () => {
    const docs = readFileSync(new URL('../../docs/gateway.md', import.meta.url), 'utf8');
    for (const { reason } of allReplies) expect(docs, reason).toContain(`\`${reason}\``);
  });
});

describe('upstream routes', () => {
  it('routes - every routed request retries only failures that never reached the service', () => {
    const { routes } = buildRouteConfig(resolveGatewayOptions({})).virtual_hosts[0];
    const routed = routes.filter((route) => route.route);

    expect(CONNECT_RETRY_POLICY.retry_on).toBe(
      'connect-failure,refused-stream,reset-before-request',
    );
    for (const route of routed) {
      expect(route.metadata?.filter_metadata['roomcast.gateway'].service, route.name).toMatch(
        /^[a-z]+$/,
      );
      // An upgrade is not retried; everything else is.
      const upgrade = route.route?.upgrade_configs !== undefined;
      expect(route.route?.retry_policy, route.name).toEqual(
        upgrade ? undefined : CONNECT_RETRY_POLICY,
      );
    }
    expect(routed.find((route) => route.name === 'transcoded:/v1/sessions')?.metadata).toEqual({
      filter_metadata: { 'roomcast.gateway': { service: 'session' } },
    });
  });
});
