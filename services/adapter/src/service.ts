import {
  connectNats,
  createRedis,
  ensurePlatformStreams,
  type RunServiceOptions,
} from '@roomcast/kit';
import { readAdapterConfig, type AdapterConfig } from './config.js';
import { ReplayGuard } from './replay-guard.js';
import { startWebhookServer } from './webhook-server.js';

/** The Adapter's options for startService, plus the webhook port once started. */
export interface AdapterService extends RunServiceOptions<AdapterConfig> {
  readonly httpPort: number;
}

/**
 * The Adapter: signed webhooks in on HTTP_PORT, raw events out on JetStream. Its gRPC server
 * carries only the standard health service.
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

      const server = await startWebhookServer({
        host: settings.bindHost,
        port: settings.httpPort,
        intake: {
          secret: settings.webhookSecret,
          timestampToleranceS: settings.timestampToleranceS,
          replay: new ReplayGuard({ redis, ttlS: settings.replayTtlS, log }),
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
