import { createPool, migrate, type RunServiceOptions } from '@roomcast/kit';
import { UserServiceService } from '@roomcast/proto';
import { readUserConfig, type UserConfig } from './config.js';
import { USER_MIGRATIONS } from './schema.js';
import { userServiceHandlers } from './user-handlers.js';
import { UserStore } from './user-store.js';

/** The User service, ready for runService (the process) or startService (tests). */
export function userService(config?: UserConfig): RunServiceOptions<UserConfig> {
  return {
    name: 'user',
    readConfig: () => config ?? readUserConfig(),
    start: async (runtime, { databaseUrl }) => {
      const pool = createPool(databaseUrl);
      runtime.onShutdown(() => pool.end());
      await migrate(pool, 'user', USER_MIGRATIONS);

      runtime.server.addService(
        UserServiceService,
        userServiceHandlers(runtime, new UserStore(pool)),
      );
    },
  };
}
