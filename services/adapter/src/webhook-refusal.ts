/**
 * A webhook the Adapter refuses: an HTTP status, a stable code and a message that names what
 * was wrong. The server turns it into `{"code": ..., "message": ...}`.
 */
export class WebhookRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra headers, such as Allow on a 405. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'WebhookRefusal';
  }
}

export const badRequest = (code: string, message: string) => new WebhookRefusal(400, code, message);
