export { roomService } from './service.js';
export { readRoomConfig, type RoomConfig } from './config.js';
export { DEFAULT_MAX_MESSAGE_LENGTH } from './room-rules.js';
