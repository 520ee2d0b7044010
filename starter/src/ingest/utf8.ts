// Level 0 · provided: read it, don't change it.
import { isUtf8 } from 'node:buffer';
import { ParseError } from './errors.ts';

/**
 * A body must be UTF-8 (RFC 8259): bytes that are not would be stored as U+FFFD, a value nobody sent.
 * Every level checks the whole body first (natively, so it costs little), and names the first bad byte.
 */
export function assertUtf8(body: Uint8Array): void {
  if (!isUtf8(body)) throw new ParseError(firstInvalidUtf8(body), 'invalid UTF-8');
}

/** Offset of the first byte that starts no valid UTF-8 sequence (overlong forms and surrogates included), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const extra = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (extra === 0) return i;
    // The second byte's range excludes overlong forms (E0, F0), surrogates (ED) and code points past U+10FFFF (F4).
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    const second = b[i + 1];
    if (second === undefined || second < lo || second > hi) return i;
    for (let k = 2; k <= extra; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += extra + 1;
  }
  return -1;
}
