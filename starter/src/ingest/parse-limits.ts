// Level 3 · provided: read it, don't change it.
/**
 * For phase 3: the limits a parser enforces and the byte offset its errors report.
 * Limits keep a hostile payload from costing unbounded memory or stack.
 */
export interface ParseLimits {
  /** Largest accepted payload in UTF-8 bytes; the service's `--max-body-bytes` defaults to the same. */
  maxBytes: number;
  /** Deepest accepted nesting of objects and arrays; the root container is level 1. */
  maxDepth: number;
}

/** A metrics payload needs 4 levels (root, metrics, metric, tags); the rest is room for unknown fields. */
export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({ maxBytes: 1 << 20, maxDepth: 64 });

/** Inside the service the body reader already enforces --max-body-bytes (413): only the depth limit applies. */
export const IN_SERVICE_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({ ...DEFAULT_PARSE_LIMITS, maxBytes: Number.MAX_SAFE_INTEGER });

/**
 * UTF-8 byte offset of the character at index `index` of `text` (JavaScript strings count UTF-16
 * units). O(index): call it when reporting an error, never while parsing.
 */
export function byteOffset(text: string, index: number): number {
  return Buffer.byteLength(text.slice(0, Math.min(index, text.length)), 'utf8');
}
