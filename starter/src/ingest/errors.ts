// Level 0 · provided: read it, don't change it.
/**
 * The two ways a payload is refused. Both become HTTP 400 with a JSON body. They may be thrown
 * inside a worker: `toWire`/`fromWire` carry them across postMessage, which keeps only plain data.
 */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  constructor(
    /** Byte offset in the UTF-8 request body where the problem was found. */
    readonly position: number,
    readonly reason: string,
  ) {
    super(`parse error at byte ${position}: ${reason}`);
  }
}

export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    /** Path of the offending field, e.g. `metrics[2].value`. */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field} ${reason}`);
  }
}

export type WireError =
  | { name: 'ParseError'; position: number; reason: string }
  | { name: 'ValidationError'; field: string; reason: string }
  | { name: string; message: string };

/** Plain-data form of an error, safe to postMessage. */
export function toWire(err: unknown): WireError {
  if (err instanceof ParseError) return { name: err.name, position: err.position, reason: err.reason };
  if (err instanceof ValidationError) return { name: err.name, field: err.field, reason: err.reason };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

/** Rebuild the error on the other side, with its class when it is one of ours. */
export function fromWire(w: WireError): Error {
  if (w.name === 'ParseError' && 'position' in w) return new ParseError(w.position, w.reason);
  if (w.name === 'ValidationError' && 'field' in w) return new ValidationError(w.field, w.reason);
  const e = new Error('message' in w ? w.message : w.name);
  e.name = w.name; // keeps `TodoError` recognisable by isTodoError
  return e;
}
