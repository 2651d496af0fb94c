import {
  connectClient,
  connectNats,
  createRedis,
  ensurePlatformStreams,
  type RunServiceOptions,
} from '@roomcast/kit';
import { SessionServiceClient } from '@roomcast/proto';
import { readAdapterConfig, type AdapterConfig } from './config.js';
import { ReplayGuard } from './replay-guard.js';
import { SessionCheck } from './session-check.js';
import { startWebhookServer } from './webhook-server.js';

/** The Adapter's options for startService, plus the webhook port once started. */
export interface AdapterService extends RunServiceOptions<AdapterConfig> {
  readonly httpPort: number;
}

/**
 * The Adapter: signed webhooks in on HTTP_PORT, checked against Session (GetSession), raw events
 * out on JetStream. Its gRPC server carries only the standard health service.
 */
export function adapterService(config?: AdapterConfig): AdapterService {
  let httpPort = 0;

  return {
    name: 'adapter',
    readConfig: () => config ?? readAdapterConfig(),
    start: async (runtime, settings) => {
      const { log } = runtime;
      const redis = createRedis(settings.redisUrl);
      runtime.onShutdown(async () => {
        await redis.quit();
      });
      const nats = await connectNats(settings.natsUrl, 'adapter', log);
      runtime.onShutdown(() => nats.drain());
      await ensurePlatformStreams(await nats.jetstreamManager());
      const jetstream = nats.jetstream();
      const sessionClient = connectClient(SessionServiceClient, settings.sessionServiceAddr);
      runtime.onShutdown(() => sessionClient.close());

      const server = await startWebhookServer({
        host: settings.bindHost,
        port: settings.httpPort,
        intake: {
          secret: settings.webhookSecret,
          timestampToleranceS: settings.timestampToleranceS,
          replay: new ReplayGuard({ redis, ttlS: settings.replayTtlS, log }),
          sessions: new SessionCheck({
            client: sessionClient,
            cacheMs: settings.sessionCacheMs,
            deadlineMs: settings.sessionDeadlineMs,
            log,
          }),
          publish: async (subject, data, msgID) =>
            (await jetstream.publish(subject, data, { msgID })).duplicate,
          log,
        },
      });
      httpPort = server.port;
      runtime.onShutdown(() => server.close());
      log.info({ httpPort }, 'adapter listening for webhooks');
    },
    get httpPort() {
      return httpPort;
    },
  };
}
