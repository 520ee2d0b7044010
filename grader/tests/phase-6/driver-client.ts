import { createWorker } from '../../../starter/src/lib/ts-worker.ts';
import type { DriverData, DriverMessage } from './fixtures/protocol.ts';

export type { Outcome } from './fixtures/driver.ts';

export interface DriverRun<R> {
  report: R;
  /** The driver thread ended on its own once its pool was closed (a live worker would keep it up). */
  exitedAlone: boolean;
}

export interface DriverLimits {
  /** No new step for this long = the scenario is stuck. */
  stallMs?: number;
  deadlineMs?: number;
  /** How long the driver may take to exit by itself after reporting. */
  exitMs?: number;
}

/**
 * Run a pool scenario in a driver worker under a watchdog. A scenario that stops making progress
 * is terminated and reported as `deadlock suspected: …` with the stage it was stuck in; the
 * driver's own error (a TodoError from a stub, for instance) is rethrown with its message.
 */
export function runScenario<R>(data: DriverData, limits: DriverLimits = {}): Promise<DriverRun<R>> {
  const { stallMs = 25_000, deadlineMs = 40_000, exitMs = 3_000 } = limits;
  const worker = createWorker(new URL('./fixtures/driver.ts', import.meta.url), { workerData: data, stdout: true });
  worker.stdout.resume(); // the learner's console.log must not block the driver
  let lastStep = 'starting the driver and importing src/pool/worker-pool.ts';
  let lastProgress = Date.now();
  const started = Date.now();
  return new Promise<DriverRun<R>>((resolve, reject) => {
    let report: R | undefined;
    let exitTimer: NodeJS.Timeout | undefined;
    const finish = (exitedAlone: boolean) => {
      clearInterval(watchdog);
      clearTimeout(exitTimer);
      resolve({ report: report as R, exitedAlone });
    };
    const fail = (err: Error) => {
      clearInterval(watchdog);
      clearTimeout(exitTimer);
      void worker.terminate();
      reject(err);
    };
    const watchdog = setInterval(() => {
      if (report !== undefined) return;
      const now = Date.now();
      if (now - lastProgress > stallMs || now - started > deadlineMs) {
        fail(
          new Error(
            `deadlock suspected: scenario '${data.scenario}' made no progress for ${now - lastProgress} ms; ` +
              `it was blocked at: ${lastStep}`,
          ),
        );
      }
    }, 20);
    worker.on('message', (m: DriverMessage) => {
      lastProgress = Date.now();
      if (m.type === 'step') lastStep = m.step;
      else if (m.type === 'failed') fail(Object.assign(new Error(m.message), { name: m.name }));
      else {
        report = m.report as R;
        exitTimer = setTimeout(() => {
          void worker.terminate();
          finish(false);
        }, exitMs);
      }
    });
    worker.on('error', (err) => fail(err));
    worker.on('exit', (code) => {
      if (report !== undefined) finish(true);
      else fail(new Error(`the driver thread exited with code ${code} during: ${lastStep}`));
    });
  });
}
