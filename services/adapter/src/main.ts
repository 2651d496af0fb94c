import { runService } from '@roomcast/kit';
import { adapterService } from './service.js';

runService(adapterService());
