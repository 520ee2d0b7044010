// Level 0 · provided: read it, don't change it.
/** One validated data point, as the service stores and queries it. */
export interface Metric {
  /** e.g. `cpu_usage`. */
  name: string;
  /** Always a finite number. */
  value: number;
  /** Epoch milliseconds. */
  timestamp: number;
  /** Dimensions of the series, e.g. `{ host: 'a', region: 'eu' }`. */
  tags: Record<string, string>;
  /** Who sent it (X-Client-Id / Authorization: Bearer, else `anonymous`). */
  client: string;
}

/** What the validator needs besides the parsed payload. */
export interface IngestContext {
  client: string;
  /** Timestamp given to metrics that carry none (epoch ms, from the service's Clock). */
  now: number;
}
