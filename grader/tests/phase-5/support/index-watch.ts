/**
 * Watches the learner's writes of HEAD and TAIL: every Atomics call that can write a word is
 * wrapped, and a write to the watched ring's HEAD or TAIL is reported *before* it happens, so a
 * scenario can look at the slot memory (and the consumer's output) at the very moment the index is
 * published. That turns the publication order (data before index, read before free) into a
 * deterministic check instead of a race that a test only sometimes wins.
 *
 * ring-worker.ts installs it in scenario workers only, before it imports the learner's ring (so a
 * ring that keeps a reference to Atomics.store is seen too), and never in the stream workers, whose
 * timing the race checks depend on. Inert until `watchIndexWrites` names a buffer.
 */
import { HEADER } from './ring-api.ts';

export type IndexWord = 'HEAD' | 'TAIL';
export type IndexWriteListener = (word: IndexWord, from: number, to: number) => void;

let watched: { buffer: SharedArrayBuffer; listener: IndexWriteListener } | null = null;

export function watchIndexWrites(buffer: SharedArrayBuffer | null, listener?: IndexWriteListener): void {
  watched = buffer && listener ? { buffer, listener } : null;
}

const load = Atomics.load;

function wordAt(a: unknown, index: unknown): { array: Int32Array; word: IndexWord } | null {
  if (!watched || !(a instanceof Int32Array) || a.buffer !== watched.buffer) return null;
  const byte = a.byteOffset + Number(index) * 4;
  if (byte === HEADER.head * 4) return { array: a, word: 'HEAD' };
  if (byte === HEADER.tail * 4) return { array: a, word: 'TAIL' };
  return null;
}

type WriteOp = 'store' | 'exchange' | 'compareExchange' | 'add' | 'sub';
/** The value the word will hold after the operation, computed from what it holds now. */
const NEXT: Record<WriteOp, (now: number, args: number[]) => number> = {
  store: (_now, [v]) => v! | 0,
  exchange: (_now, [v]) => v! | 0,
  compareExchange: (now, [expected, replacement]) => ((expected! | 0) === now ? replacement! | 0 : now),
  add: (now, [v]) => (now + v!) | 0,
  sub: (now, [v]) => (now - v!) | 0,
};

let installed = false;

export function installIndexWatch(): void {
  if (installed) return;
  installed = true;
  const atomics = Atomics as unknown as Record<WriteOp, (a: unknown, i: unknown, ...rest: number[]) => number>;
  for (const op of Object.keys(NEXT) as WriteOp[]) wrap(atomics, op);
}

function wrap(atomics: Record<WriteOp, (a: unknown, i: unknown, ...rest: number[]) => number>, op: WriteOp): void {
  const original = atomics[op];
  atomics[op] = function (this: unknown, a: unknown, i: unknown, ...rest: number[]): number {
    const hit = wordAt(a, i);
    if (hit) {
      const from = load(hit.array, Number(i));
      const to = NEXT[op](from, rest);
      if (to !== from) watched!.listener(hit.word, from, to);
    }
    return original.call(Atomics, a, i, ...rest);
  };
}
