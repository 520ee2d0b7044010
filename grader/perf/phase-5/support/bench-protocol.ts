/** Shared words of a phase-5 measurement (Int32 positions in `control`). */
export const B = { ready: 0, go: 1, produced: 2, consumed: 3, nap: 4, length: 5 } as const;

export type Transport = 'ring' | 'post' | 'mutex';

export interface BenchData {
  role: 'producer' | 'consumer';
  transport: Transport;
  control: SharedArrayBuffer;
  count: number;
  /** Records per push/post: 1 = one at a time. */
  batch: number;
  /** > 0: paced producer, one push every intervalUs microseconds (latency runs). */
  intervalUs: number;
  /** Failed attempts before a 50 µs nap (a pure spinner starves its partner on a busy 2-core box). */
  spinsBeforeNap: number;
  ringModule?: string;
  ringBuffer?: SharedArrayBuffer;
  mutexModule?: string;
  mutexBuffers?: { lockTable: SharedArrayBuffer; queue: SharedArrayBuffer };
  /** A MessagePort (transferred) for the postMessage transport. */
  port?: unknown;
}

export interface BenchResult {
  role: 'producer' | 'consumer';
  elapsedMs: number;
  received: number;
  outOfOrder: number;
  /** Per-record latency in µs (paced runs only). */
  latencies: number[];
  /** Most records sent but not yet received, sampled by the producer. */
  maxBacklog: number;
  /** Pushes refused because the transport was full (backpressure felt by the producer). */
  refused: number;
}
