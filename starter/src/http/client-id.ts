// Level 0 · provided: read it, don't change it.
import type { IncomingHttpHeaders } from 'node:http';

const BEARER = /^Bearer\s+(\S+)$/i;

/** Who sends a request: `X-Client-Id`, else `Authorization: Bearer <id>`, else `anonymous`. */
export function clientIdOf(headers: IncomingHttpHeaders): string {
  const explicit = headers['x-client-id'];
  if (typeof explicit === 'string' && explicit.trim() !== '') return explicit.trim();
  const bearer = BEARER.exec(headers.authorization ?? '');
  return bearer ? bearer[1]! : 'anonymous';
}
