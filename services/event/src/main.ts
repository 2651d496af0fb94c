import { runService } from '@roomcast/kit';
import { eventService } from './service.js';

runService(eventService());
