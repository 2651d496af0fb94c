import { EnvReader, readBaseConfig, type BaseConfig } from '@roomcast/kit';

export interface UserConfig extends BaseConfig {
  databaseUrl: string;
}

export function readUserConfig(env = new EnvReader()): UserConfig {
  return {
    ...readBaseConfig(env, { grpcPort: 50051, metricsPort: 9464 }),
    databaseUrl: env.url('DATABASE_URL', ['postgres', 'postgresql']),
  };
}
