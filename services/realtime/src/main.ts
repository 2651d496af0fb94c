import { runService } from '@roomcast/kit';
import { realtimeService } from './service.js';

// On SIGTERM the kit drains Realtime (sockets closed with 1012, LEAVEs signalled) while the
// gRPC server winds down, so open StreamEvents calls do not hold the sockets hostage.
runService(realtimeService());
