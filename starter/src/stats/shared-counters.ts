// Level 1 · exercise of phase 1: yours to write on its branch; later branches hold the reference.
import { todo } from '../lib/todo.ts';
import { COUNTER_NAMES, type CounterName, type CounterSnapshot, type ServiceStats } from './service-stats.ts';

/**
 * The service's counters in shared memory: one Int32 slot per counter in a SharedArrayBuffer,
 * so the main thread and every ingest worker update the same numbers. Pass `counters.buffer`
 * to a worker (workerData or postMessage share it, they do not copy it) and wrap it there with
 * `new SharedCounters(buffer)`. Slot i holds COUNTER_NAMES[i] (see service-stats.ts for what each counts).
 */

const LESSON = 'docs/phase-1-threads.md#exercise-2-shared-counters';
const SLOT = new Map<string, number>(COUNTER_NAMES.map((name, i) => [name, i]));

export class SharedCounters implements ServiceStats {
  /** Bytes a buffer needs: one Int32 per counter. Values wrap past 2^31 - 1, like any Int32. */
  static readonly BYTES = COUNTER_NAMES.length * Int32Array.BYTES_PER_ELEMENT;

  readonly buffer: SharedArrayBuffer;
  private readonly slots: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(SharedCounters.BYTES)) {
    if (!(buffer instanceof SharedArrayBuffer)) throw new TypeError('SharedCounters needs a SharedArrayBuffer');
    if (buffer.byteLength < SharedCounters.BYTES) {
      throw new RangeError(`SharedCounters needs ${SharedCounters.BYTES} bytes, got a buffer of ${buffer.byteLength}`);
    }
    this.buffer = buffer;
    this.slots = new Int32Array(buffer, 0, COUNTER_NAMES.length);
  }

  /** Add `delta` (an integer) to a counter; safe when several threads add to it at the same time. */
  add(name: CounterName, delta = 1): void {
    // TODO(phase-1): add `delta` to the counter's slot so that no update is lost when several
    // workers add at the same time. Run `npx tsx starter/src/demos/lost-updates.ts` first to see
    // what `this.slots[i] += delta` does under contention.
    // Use slotOf(name) for the index. Hint: one Atomics call does the whole read-modify-write.
    todo(1, 'SharedCounters.add', LESSON);
  }

  /** The counter's current value, as written by any thread. */
  get(name: CounterName): number {
    // TODO(phase-1): read the counter's slot so that the value written by other threads is seen.
    return todo(1, 'SharedCounters.get', LESSON);
  }

  snapshot(): CounterSnapshot {
    return Object.fromEntries(COUNTER_NAMES.map((name) => [name, this.get(name)])) as CounterSnapshot;
  }
}

/** Slot of a counter; an unknown name is a programming error, said clearly. */
export function slotOf(name: string): number {
  const slot = SLOT.get(name);
  if (slot === undefined) throw new RangeError(`unknown counter "${name}" (known: ${COUNTER_NAMES.join(', ')})`);
  return slot;
}

