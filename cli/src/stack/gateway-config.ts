/**
 * The Envoy config of a local stack: the gateway's own generator, pointed at the ports this
 * stack's services listen on.
 */
import { renderGatewayYaml, type HostPort } from '@roomcast/envoy';
import type { StackPorts } from './port-plan.js';

/** Envoy's bootstrap YAML for a stack on `ports`, everything on 127.0.0.1. */
export function gatewayYaml(ports: StackPorts): string {
  const at = (port: number | undefined): HostPort => {
    if (port === undefined) throw new Error('gateway config: a service port is missing');
    return { host: '127.0.0.1', port };
  };
  const { services } = ports;

  return renderGatewayYaml({
    preset: 'local',
    listener: at(ports.envoy),
    admin: at(ports.envoyAdmin),
    upstreams: {
      user: at(services.user.grpc),
      room: at(services.room.grpc),
      session: at(services.session.grpc),
      event: at(services.event.grpc),
      aggregation: at(services.aggregation.grpc),
      realtime: at(services.realtime.grpc),
      realtimeWebsocket: at(services.realtime.ws),
      adapter: at(services.adapter.http),
    },
  });
}
