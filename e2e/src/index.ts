export { RestClient, type RestResponse } from './rest-client.js';
export { assertContiguous, SessionSocket, type StoredEvent } from './session-socket.js';
export { waitUntil } from './wait-until.js';
export { ResumingSocket } from './resuming-socket.js';
