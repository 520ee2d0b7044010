/**
 * The heavy-batch loads of the phase-1 probes. The naive parser's cost grows with the square of
 * the batch: ~18 ms for 300 metrics, ~65 ms for 600, ~0.11 s for 800 and ~0.42 s for 1,600 on our
 * machine, once warm (`parseNaive` on the main thread, median of 5).
 */
export const HEAVY = { heavyClients: 3, metricsPerBatch: 600, durationMs: 3_000 } as const;

/**
 * Batches big enough that parsing, not the worker's start-up (~35 ms), dominates a request, and two
 * clients: one batch per core, so level 1 can use both while level 0 parses one at a time.
 */
export const HEAVIER = { heavyClients: 2, metricsPerBatch: 1_600, durationMs: 8_000 } as const;
