/**
 * Await a promise from the learner's code, but never forever: past `ms` it rejects with
 * `deadlock suspected: <what>` so a stuck queue, a lost wake-up or a close() that never drains
 * is reported by name instead of as a test timeout.
 */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`deadlock suspected: ${what} (still pending after ${ms} ms)`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Poll `probe` every `everyMs` until it returns true; false if `ms` passed first. */
export async function waitUntil(probe: () => boolean | Promise<boolean>, ms: number, everyMs = 10): Promise<boolean> {
  const end = performance.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (performance.now() >= end) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
