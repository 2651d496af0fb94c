/**
 * The real Session service, in-process beside an OperatorEnv: on its PostgreSQL, Redis and NATS
 * and its Room service. It can be stopped and started again on the same port, so an operator
 * pointed at it sees an outage and a recovery.
 */
import { callUnary, connectClient, startService, type RunningService } from '@roomcast/kit';
import { PresenceAction, SessionServiceClient, type Session } from '@roomcast/proto';
import { sessionService } from '@roomcast/session';

import type { OperatorEnv } from './operator-env.js';

export interface SessionEnv {
  /** host:port of the Session service; the same across stop() and start(). */
  addr: string;
  client: SessionServiceClient;
  startSession(roomId: string, title: string): Promise<Session>;
  endSession(sessionId: string): Promise<Session>;
  /** Signals a viewer's socket joining (or leaving) the session; resolves with the count. */
  presence(options: {
    sessionId: string;
    userId: string;
    connectionId: string;
    action: 'join' | 'leave';
  }): Promise<string>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the service for good and closes the client. */
  close(): Promise<void>;
}

export async function startSessionEnv(env: OperatorEnv): Promise<SessionEnv> {
  let port = 0;
  let running: RunningService | undefined;
  const start = async () => {
    running = await startService(
      sessionService({
        bindHost: '127.0.0.1',
        grpcPort: port,
        metricsPort: 0,
        shutdownGraceMs: 500,
        databaseUrl: env.infra.postgres.url,
        redisUrl: env.infra.redis.url,
        natsUrl: env.infra.nats.url,
        roomServiceAddr: env.roomAddr,
        roomCacheMs: 0,
        roomDeadlineMs: 2_000,
        publishTimeoutMs: 5_000,
      }),
    );
    port = running.grpcPort;
  };
  const stop = async () => {
    await running?.stop();
    running = undefined;
  };

  await start();
  const addr = `127.0.0.1:${port}`;
  const client = connectClient(SessionServiceClient, addr);

  return {
    addr,
    client,
    startSession: (roomId, title) => callUnary(client, client.startSession, { roomId, title }),
    endSession: (sessionId) => callUnary(client, client.endSession, { sessionId }),
    async presence({ action, ...connection }) {
      const response = await callUnary(client, client.signalUserPresence, {
        ...connection,
        action:
          action === 'join'
            ? PresenceAction.PRESENCE_ACTION_JOIN
            : PresenceAction.PRESENCE_ACTION_LEAVE,
      });
      return response.viewerCount;
    },
    start,
    stop,
    async close() {
      client.close();
      await stop();
    },
  };
}
