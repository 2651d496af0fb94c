import { runService } from '@roomcast/kit';
import { userService } from './service.js';

runService(userService());
