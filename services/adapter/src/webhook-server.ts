import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { asError, type Logger } from '@roomcast/kit';
import { takeDelivery, type IntakeAnswer, type IntakeDeps } from './delivery-intake.js';
import { WebhookRefusal } from './webhook-refusal.js';

/** Largest body accepted; a larger one is refused with 413 before it is read in full. */
export const MAX_BODY_BYTES = 64 * 1024;

const WEBHOOK_PATH = /^\/webhooks\/([a-z0-9-]{1,32})$/;

export interface RunningWebhookServer {
  port: number;
  /** Stops taking connections and waits for deliveries in flight. */
  close(): Promise<void>;
}

/** The HTTP server for POST /webhooks/{platform}; every other answer is a JSON error. */
export async function startWebhookServer(options: {
  host: string;
  port: number;
  intake: IntakeDeps;
}): Promise<RunningWebhookServer> {
  const { log } = options.intake;
  const server = http.createServer((request, response) => {
    answer(request, options.intake).then(
      (result) => reply(response, result),
      (caught: unknown) => reply(response, refusalAnswer(caught, log)),
    );
  });

  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
    },
  };
}

async function answer(request: http.IncomingMessage, intake: IntakeDeps): Promise<IntakeAnswer> {
  const path = new URL(request.url ?? '/', 'http://adapter.invalid').pathname;
  const platform = WEBHOOK_PATH.exec(path)?.[1];
  if (!platform) {
    const hint = path.startsWith('/webhooks/') ? ' (platform: 1 to 32 of a-z 0-9 -)' : '';
    throw new WebhookRefusal(404, 'NOT_FOUND', `no such path: ${path}${hint}`);
  }
  if (request.method !== 'POST') {
    throw new WebhookRefusal(405, 'METHOD_NOT_ALLOWED', `${path} accepts POST only`, {
      allow: 'POST',
    });
  }

  const body = await readBody(request);
  return takeDelivery({ platform, headers: request.headers, body }, intake);
}

/** Reads the raw body bytes (the signature covers exactly these), refusing more than the bound. */
async function readBody(request: http.IncomingMessage): Promise<Buffer> {
  const tooLarge = () =>
    new WebhookRefusal(
      413,
      'WEBHOOK_TOO_LARGE',
      `the body must be at most ${MAX_BODY_BYTES} bytes`,
    );
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw tooLarge();

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function refusalAnswer(
  caught: unknown,
  log: Logger,
): IntakeAnswer & { headers?: Record<string, string> } {
  if (caught instanceof WebhookRefusal) {
    log.info({ status: caught.status, code: caught.code }, 'webhook refused');
    return {
      status: caught.status,
      body: { code: caught.code, message: caught.message },
      headers: caught.headers,
    };
  }
  log.error({ err: asError(caught) }, 'webhook failed unexpectedly');
  return { status: 500, body: { code: 'INTERNAL', message: 'internal error' } };
}

function reply(
  response: http.ServerResponse,
  result: IntakeAnswer & { headers?: Record<string, string> },
): void {
  // A refused body may still be arriving; close rather than read the rest of it.
  const close = result.status === 413 ? { connection: 'close' } : {};
  response
    .writeHead(result.status, { 'content-type': 'application/json', ...close, ...result.headers })
    .end(JSON.stringify(result.body));
}
