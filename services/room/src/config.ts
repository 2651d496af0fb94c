import { EnvReader, readBaseConfig, type BaseConfig } from '@roomcast/kit';

export interface RoomConfig extends BaseConfig {
  databaseUrl: string;
}

/** Reads the Room service's environment: the base settings plus DATABASE_URL. */
export function readRoomConfig(env = new EnvReader()): RoomConfig {
  return {
    ...readBaseConfig(env, { grpcPort: 50052, metricsPort: 9465 }),
    databaseUrl: env.url('DATABASE_URL', ['postgres', 'postgresql']),
  };
}
