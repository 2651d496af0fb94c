import { createPool, migrate, type RunServiceOptions } from '@roomcast/kit';
import { RoomServiceService } from '@roomcast/proto';
import { readRoomConfig, type RoomConfig } from './config.js';
import { roomServiceHandlers } from './room-handlers.js';
import { RoomStore } from './room-store.js';
import { ROOM_MIGRATIONS } from './schema.js';

/** The Room service, ready for runService (the process) or startService (tests). */
export function roomService(config?: RoomConfig): RunServiceOptions<RoomConfig> {
  return {
    name: 'room',
    readConfig: () => config ?? readRoomConfig(),
    start: async (runtime, { databaseUrl }) => {
      const pool = createPool(databaseUrl);
      runtime.onShutdown(() => pool.end());
      await migrate(pool, 'room', ROOM_MIGRATIONS);

      runtime.server.addService(
        RoomServiceService,
        roomServiceHandlers(runtime, new RoomStore(pool)),
      );
    },
  };
}
