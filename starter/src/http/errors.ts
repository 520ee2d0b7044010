// Level 0 · provided: read it, don't change it.
/**
 * Errors that carry their own HTTP answer. Throw one anywhere below a route handler; the router
 * turns it into the response. Errors of other kinds are mapped in `http/error-response.ts`.
 */
export class HttpError extends Error {
  override readonly name: string = 'HttpError';
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${JSON.stringify(body)}`);
  }
}

export class PayloadTooLargeError extends HttpError {
  override readonly name = 'PayloadTooLargeError';
  constructor(limit: number) {
    super(413, { error: 'payload_too_large', limit, reason: `request body exceeds ${limit} bytes` }, { connection: 'close' });
  }
}

/**
 * The client went away before its request was read (a closed or reset connection): there is no one
 * to answer, and it is not the service's error (nginx calls it 499).
 */
export class ClientClosedError extends HttpError {
  override readonly name = 'ClientClosedError';
  constructor() {
    super(499, { error: 'client_closed_request' });
  }
}

/** A bad query-string parameter: 400 naming it. */
export class BadParameterError extends HttpError {
  override readonly name = 'BadParameterError';
  constructor(param: string, reason: string) {
    super(400, { error: 'bad_parameter', param, reason });
  }
}
