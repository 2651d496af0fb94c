/**
 * The WebSocket close codes Realtime uses, and what a client should do on each. docs/realtime.md
 * lists the same; a client resumes with after_sequence set to the last sequence it saw.
 */
export const CloseCode = {
  /** The client closed, or the server stopped the socket in an ordinary way. */
  NORMAL: 1000,
  /** Internal fault; reconnect and resume after a pause. */
  INTERNAL: 1011,
  /** This instance is draining (restart, scale-in); reconnect and resume at once. */
  SERVICE_RESTART: 1012,
  /** A dependency (Session or Event service) did not answer; reconnect and resume later. */
  TRY_AGAIN_LATER: 1013,
  /** Bad session id or query; fix the URL, retrying the same one fails again. */
  BAD_REQUEST: 4400,
  /** The session does not exist. */
  SESSION_NOT_FOUND: 4404,
  /** The client read too slowly and its unsent frames passed the bound; resume to continue. */
  TOO_SLOW: 4008,
} as const;

/** The close reasons sent with them (a reason must stay under 123 bytes). */
export const CloseReason = {
  SERVICE_RESTART: 'service restart: reconnect and resume with after_sequence',
  TOO_SLOW: 'too slow: reconnect and resume with after_sequence',
  HISTORY_UNAVAILABLE: 'event history unavailable: resume with after_sequence later',
} as const;
