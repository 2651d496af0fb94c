import {
  connectClient,
  connectNats,
  createPool,
  createRedis,
  ensurePlatformStreams,
  migrate,
  type RunServiceOptions,
} from '@roomcast/kit';
import { RoomServiceClient, SessionServiceService } from '@roomcast/proto';
import { readSessionConfig, type SessionConfig } from './config.js';
import { EventPublisher } from './event-publisher.js';
import { sessionLiveHandlers } from './live-handlers.js';
import { PresenceLedger } from './presence-ledger.js';
import { RoomDirectory } from './room-directory.js';
import { SESSION_MIGRATIONS } from './schema.js';
import { sessionLifecycleHandlers } from './session-handlers.js';
import type { SessionParts } from './session-parts.js';
import { SessionStore } from './session-store.js';
import { SlowMode } from './slow-mode.js';

/** The Session service, ready for runService (the process) or startService (tests). */
export function sessionService(config?: SessionConfig): RunServiceOptions<SessionConfig> {
  return {
    name: 'session',
    readConfig: () => config ?? readSessionConfig(),
    start: async (runtime, settings) => {
      const pool = createPool(settings.databaseUrl);
      runtime.onShutdown(() => pool.end());
      await migrate(pool, 'session', SESSION_MIGRATIONS);

      const redis = createRedis(settings.redisUrl);
      runtime.onShutdown(async () => void (await redis.quit()));

      const nats = await connectNats(settings.natsUrl, 'session', runtime.log);
      runtime.onShutdown(() => nats.drain());
      await ensurePlatformStreams(await nats.jetstreamManager());

      const roomClient = connectClient(RoomServiceClient, settings.roomServiceAddr);
      runtime.onShutdown(() => roomClient.close());

      const parts: SessionParts = {
        store: new SessionStore(pool),
        presence: new PresenceLedger(redis),
        slowMode: new SlowMode(redis),
        rooms: new RoomDirectory({
          client: roomClient,
          cacheMs: settings.roomCacheMs,
          deadlineMs: settings.roomDeadlineMs,
          staleIfErrorMs: settings.roomStaleIfErrorMs,
          log: runtime.log,
        }),
        events: new EventPublisher(nats.jetstream(), settings.publishTimeoutMs),
      };
      runtime.server.addService(SessionServiceService, {
        ...sessionLifecycleHandlers(runtime, parts),
        ...sessionLiveHandlers(runtime, parts),
      });
    },
  };
}
