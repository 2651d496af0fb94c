import { runService } from '@roomcast/kit';
import { roomService } from './service.js';

runService(roomService());
