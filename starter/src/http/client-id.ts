// Level 0 · provided: read it, don't change it.
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './errors.ts';

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Longest client id, in UTF-8 bytes. The id is written into every stored metric's line, so an
 * unbounded one would let one request multiply the disk it costs (and phase 4's shared client table
 * keeps ids in fixed 64-byte slots).
 */
export const MAX_CLIENT_ID_BYTES = 64;

/** Who sends a request: `X-Client-Id`, else `Authorization: Bearer <id>`, else `anonymous`. A longer id than allowed is a 400. */
export function clientIdOf(headers: IncomingHttpHeaders): string {
  const explicit = headers['x-client-id'];
  if (typeof explicit === 'string' && explicit.trim() !== '') return checked(explicit.trim(), 'X-Client-Id');
  const bearer = BEARER.exec(headers.authorization ?? '');
  return bearer ? checked(bearer[1]!, 'Authorization') : 'anonymous';
}

function checked(id: string, header: string): string {
  const bytes = Buffer.byteLength(id, 'utf8');
  if (bytes > MAX_CLIENT_ID_BYTES) {
    throw new HttpError(400, { error: 'bad_client_id', header, reason: `the client id is ${bytes} bytes long; at most ${MAX_CLIENT_ID_BYTES} are allowed` }, { connection: 'close' });
  }
  return id;
}
