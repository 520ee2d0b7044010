/**
 * The heavy-batch loads of the phase-1 probes. The naive parser's cost grows with the square of
 * the batch: ~0.1 s for 300 metrics, ~0.4 s for 600 and ~0.7 s for 800 on our machine, once warm.
 */
export const HEAVY = { heavyClients: 3, metricsPerBatch: 600, durationMs: 3_000 } as const;

/** Batches big enough that parsing, not the worker's start-up, dominates a request. */
export const HEAVIER = { heavyClients: 2, metricsPerBatch: 800, durationMs: 5_000 } as const;
