/**
 * A small JSON client for Roomcast's REST API through Envoy, for the CLI's own calls.
 */

/** A non-2xx answer; `code` and `message` are the gateway's JSON error body when it had one. */
export class RestError extends Error {
  readonly name = 'RestError';

  constructor(
    readonly status: number,
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** How long one call may take before it is abandoned. */
const REQUEST_TIMEOUT_MS = 10_000;

export class RestClient {
  constructor(private readonly baseUrl: string) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: object): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: string, path: string, body?: object): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    if (response.ok) return (text === '' ? {} : JSON.parse(text)) as T;

    throw errorOf(method, path, response.status, text);
  }
}

function errorOf(method: string, path: string, status: number, text: string): RestError {
  let parsed: { code?: number; message?: string } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // Not the gateway's JSON error body; the raw text below says what there is.
  }
  const detail = parsed.message ?? (text.trim().slice(0, 200) || '(empty body)');
  return new RestError(status, parsed.code, `${method} ${path}: HTTP ${status}: ${detail}`);
}
