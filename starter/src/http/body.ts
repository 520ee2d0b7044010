// Level 0 · provided: read it, don't change it.
import type { IncomingMessage } from 'node:http';
import { ClientClosedError, PayloadTooLargeError } from './errors.ts';

/**
 * Read a request body of at most `maxBytes`. Refuses early on a too-large Content-Length, and stops
 * collecting (draining the rest) as soon as a chunked body passes the limit.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.reject(new PayloadTooLargeError(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        reject(new PayloadTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => tooLarge || resolve(Buffer.concat(chunks, size)));
    // A client that hangs up mid-body is not a server error (and a body that never ends does not hang us).
    req.on('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ECONNRESET' || req.destroyed ? new ClientClosedError() : err));
    req.on('close', () => req.complete || reject(new ClientClosedError()));
  });
}
