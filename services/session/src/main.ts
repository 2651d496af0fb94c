import { runService } from '@roomcast/kit';
import { sessionService } from './service.js';

runService(sessionService());
