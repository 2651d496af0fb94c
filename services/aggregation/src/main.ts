import { runService } from '@roomcast/kit';
import { aggregationService } from './service.js';

runService(aggregationService());
