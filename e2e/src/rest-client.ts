/** A small JSON client for Roomcast's REST API through Envoy, as an outside app would call it. */

export interface RestResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  contentType: string;
}

export class RestClient {
  constructor(private readonly baseUrl: string) {}

  get<T = Record<string, unknown>>(path: string): Promise<RestResponse<T>> {
    return this.send<T>('GET', path);
  }

  post<T = Record<string, unknown>>(path: string, body: unknown = {}): Promise<RestResponse<T>> {
    return this.send<T>('POST', path, JSON.stringify(body));
  }

  patch<T = Record<string, unknown>>(path: string, body: unknown): Promise<RestResponse<T>> {
    return this.send<T>('PATCH', path, JSON.stringify(body));
  }

  /** Sends a body exactly as given, for malformed-input tests. */
  async send<T>(method: string, path: string, rawBody?: string): Promise<RestResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: rawBody === undefined ? {} : { 'content-type': 'application/json' },
      body: rawBody,
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { unparsed: text };
    }
    return { status: response.status, body: body as T, contentType };
  }

  /** Like post/get but throws unless the status is 2xx; returns the body. */
  async ok<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await this.send<T>(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
    );
    if (response.status < 200 || response.status > 299) {
      throw new Error(
        `${method} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`,
      );
    }
    return response.body;
  }
}
