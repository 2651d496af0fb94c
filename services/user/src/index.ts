export { userService } from './service.js';
export { readUserConfig, type UserConfig } from './config.js';
