import { expectedRecord, newRecord, sameRecord, showRecord } from './records.ts';
import { HEADER, type Ring, type RingModule, type RingRecord } from './ring-api.ts';
import { watchIndexWrites, type IndexWord } from './index-watch.ts';

/**
 * Single-threaded edge cases, run inside a worker. Each throws on the first wrong answer with a
 * message that says what was expected; the test's main thread only relays it.
 */
const SEED = 7;
const INT32_MAX = 2 ** 31 - 1;

class ScenarioFailure extends Error {
  override readonly name = 'ScenarioFailure';
}

function expect(ok: boolean, message: () => string): void {
  if (!ok) throw new ScenarioFailure(message());
}

const rec = (i: number): RingRecord => expectedRecord(SEED, i, newRecord());

/**
 * Checks one ring as it goes: every answer of size/isFull/isEmpty/rejected and every popped record.
 * With `watchStores`, also every write of HEAD and TAIL at the moment it happens (index-watch.ts):
 * the slots a new tail publishes must already hold their records, the records a new head frees must
 * already be in the consumer's output, and a batch moves its index with one store.
 */
class Tracker {
  private nextIn = 0;
  private nextOut = 0;
  private refused = 0;
  private readonly out = newRecord();
  /** What the current call may publish or free, and what the index watch saw during it. */
  private op = '';
  private outs: RingRecord[] = [];
  private writes = { HEAD: 0, TAIL: 0 };
  private orderProblem: string | null = null;
  private readonly slotI32: Int32Array;
  private readonly slotF64: Float64Array;
  constructor(
    readonly ring: Ring,
    private readonly label: string,
    private readonly startIndex = 0,
    watchStores = false,
  ) {
    this.slotI32 = new Int32Array(ring.buffer, HEADER.bytes);
    this.slotF64 = new Float64Array(ring.buffer, HEADER.bytes);
    watchIndexWrites(watchStores ? ring.buffer : null, (word, from, to) => this.onIndexWrite(word, from, to));
  }

  private onIndexWrite(word: IndexWord, from: number, to: number): void {
    this.writes[word]++;
    const n = (to - from) | 0;
    if (n <= 0 || n > this.ring.capacity) return; // a wrong count: the answer checks report it
    for (let k = 0; k < n && this.orderProblem === null; k++) {
      const index = (from + k) | 0;
      const pos = (index - this.startIndex) | 0;
      const want = rec(pos);
      if (word === 'TAIL') {
        const slot = index & (this.ring.capacity - 1);
        const held = {
          seriesId: this.slotI32[slot * 6]!,
          seq: this.slotI32[slot * 6 + 1]!,
          value: this.slotF64[slot * 3 + 1]!,
          timestamp: this.slotF64[slot * 3 + 2]!,
        };
        if (!sameRecord(held, want)) {
          this.orderProblem =
            `${this.op} published the tail (Atomics.store TAIL ${to}) while slot ${slot} still held ${showRecord(held)} instead of record ${showRecord(want)}: ` +
            'data before index — write the slot first, then publish the tail; a consumer may read the slot the moment the index moves';
        }
      } else {
        const got = this.outs[k];
        if (!got || !sameRecord(got, want)) {
          this.orderProblem =
            `${this.op} freed the slot of record seq ${want.seq} (Atomics.store HEAD ${to}) before reading it: its output held ${got ? showRecord(got) : 'nothing'} at that moment — ` +
            'read the slot first, then publish the head; the producer may overwrite a freed slot at once';
        }
      }
    }
  }

  /** Run one ring call with the index watch pointed at it; fail on a wrong publication order or a second index store. */
  private call<T>(op: string, outs: RingRecord[], step: string, run: () => T): T {
    this.op = op;
    this.outs = outs;
    this.writes = { HEAD: 0, TAIL: 0 };
    this.orderProblem = null;
    const result = run();
    expect(this.orderProblem === null, () => `${this.label}, ${step}: ${this.orderProblem}`);
    const { HEAD, TAIL } = this.writes;
    expect(TAIL <= 1 && HEAD <= 1, () =>
      `${this.label}, ${step}: ${op} stored ${TAIL > 1 ? `TAIL ${TAIL}` : `HEAD ${HEAD}`} times in one call; ` +
      'the rule is ONE index store per call, also for a whole batch (after all its slots are written or read)',
    );
    return result;
  }

  private get held(): number {
    return this.nextIn - this.nextOut;
  }

  checkState(step: string): void {
    const { ring, held, label } = this;
    const at = `${label}, ${step} (holding ${held} of ${ring.capacity})`;
    expect(ring.size() === held, () => `${at}: expected size() ${held}, got ${ring.size()}`);
    expect(ring.isEmpty() === (held === 0), () => `${at}: expected isEmpty() ${held === 0}, got ${ring.isEmpty()}`);
    expect(ring.isFull() === (held === ring.capacity), () => `${at}: expected isFull() ${held === ring.capacity}, got ${ring.isFull()}`);
    expect(ring.rejected() === this.refused, () => `${at}: expected rejected() ${this.refused} (records refused because full), got ${ring.rejected()}`);
  }

  push(n: number, step: string): void {
    for (let k = 0; k < n; k++) {
      const fits = this.held < this.ring.capacity;
      const ok = this.call('tryPush', [], step, () => this.ring.tryPush(rec(this.nextIn)));
      expect(ok === fits, () =>
        fits
          ? `${this.label}, ${step}: tryPush returned false with ${this.held} of ${this.ring.capacity} slots used`
          : `${this.label}, ${step}: tryPush returned true on a full ring (${this.ring.capacity} of ${this.ring.capacity}); it must refuse, never overwrite an unread record`,
      );
      if (ok) this.nextIn++;
      else this.refused++;
    }
    this.checkState(step);
  }

  pop(n: number, step: string): void {
    for (let k = 0; k < n; k++) {
      const sentinel = { seriesId: -7, seq: -7, value: -7, timestamp: -7 };
      Object.assign(this.out, sentinel);
      const has = this.held > 0;
      const ok = this.call('tryPop', [this.out], step, () => this.ring.tryPop(this.out));
      expect(ok === has, () =>
        has
          ? `${this.label}, ${step}: tryPop returned false while the ring held ${this.held} record(s)`
          : `${this.label}, ${step}: tryPop returned true on an empty ring (got ${showRecord(this.out)})`,
      );
      if (!ok) {
        expect(sameRecord(this.out, sentinel), () => `${this.label}, ${step}: tryPop on an empty ring changed its output record to ${showRecord(this.out)}`);
        continue;
      }
      const want = rec(this.nextOut);
      expect(sameRecord(this.out, want), () => `${this.label}, ${step}: expected ${showRecord(want)}, got ${showRecord(this.out)}`);
      this.nextOut++;
    }
    this.checkState(step);
  }

  pushBatch(n: number, step: string): void {
    const records = Array.from({ length: n + 2 }, (_, k) => rec(this.nextIn + k - 1));
    const fits = Math.min(n, this.ring.capacity - this.held);
    // from = 1 and count = n: the first and last entries must not be pushed
    const got = this.call(`pushBatch of ${n}`, [], step, () => this.ring.pushBatch(records, 1, n));
    expect(got === fits, () => `${this.label}, ${step}: pushBatch of ${n} with ${this.ring.capacity - this.held} free slot(s) returned ${got}, expected ${fits}`);
    this.nextIn += fits;
    this.refused += n - fits;
    this.checkState(step);
  }

  /** pushBatch(records, from) with no count: the rest of the array from `from` on. */
  pushBatchRest(n: number, step: string): void {
    const records = Array.from({ length: n + 1 }, (_, k) => rec(this.nextIn + k - 1));
    const fits = Math.min(n, this.ring.capacity - this.held);
    let got: number;
    try {
      got = this.call('pushBatch(records, 1)', [], step, () => this.ring.pushBatch(records, 1));
    } catch (err) {
      throw new ScenarioFailure(`${this.label}, ${step}: pushBatch(records, 1) on ${records.length} records threw ${String(err)}; with no count it pushes records[1 .. records.length)`);
    }
    expect(got === fits, () => `${this.label}, ${step}: pushBatch(records, 1) on ${records.length} records with ${this.ring.capacity - this.held} free slot(s) returned ${got}, expected ${fits}: with no count it pushes records[1 .. records.length)`);
    this.nextIn += fits;
    this.refused += n - fits;
    this.checkState(step);
  }

  /** A negative count is an empty range: nothing pushed, nothing refused, the ring as it was. */
  pushBatchNegative(count: number, step: string): void {
    const records = [rec(this.nextIn), rec(this.nextIn + 1)];
    const got = this.call(`pushBatch(records, 0, ${count})`, [], step, () => this.ring.pushBatch(records, 0, count));
    expect(got <= 0, () => `${this.label}, ${step}: pushBatch(records, 0, ${count}) returned ${got}; a negative count is an empty range, nothing to push`);
    this.checkState(`${step} (an empty range must leave the ring as it was)`);
  }

  popBatch(max: number, step: string): void {
    // out[1] too is a sentinel: popBatch fills out[0..n) only, and past the tail a slot holds no published record.
    const sentinel = { seriesId: -7, seq: -7, value: -7, timestamp: -7 };
    const out: RingRecord[] = [{ ...sentinel }, { ...sentinel }];
    const keep = out[0];
    const expectN = Math.max(0, Math.min(max, this.held));
    const got = this.call(`popBatch(max ${max})`, out, step, () => this.ring.popBatch(out, max));
    expect(got === expectN, () => `${this.label}, ${step}: popBatch(max ${max}) holding ${this.held} returned ${got}, expected ${expectN}`);
    expect(expectN === 0 || out[0] === keep, () => `${this.label}, ${step}: popBatch must reuse the record objects already in out`);
    for (let k = 0; k < got; k++) {
      const want = rec(this.nextOut + k);
      expect(out[k] !== undefined && sameRecord(out[k]!, want), () => `${this.label}, ${step}: popBatch out[${k}]: expected ${showRecord(want)}, got ${out[k] ? showRecord(out[k]!) : 'nothing'}`);
    }
    for (let k = Math.max(got, 0); k < 2; k++) {
      expect(out.length === Math.max(got, 2) && sameRecord(out[k]!, sentinel), () =>
        `${this.label}, ${step}: popBatch(max ${max}) returned ${got} but changed out[${k}] to ${out[k] ? showRecord(out[k]!) : 'nothing'} (out.length ${out.length}); ` +
        'it fills out[0..n) only and leaves the rest of out alone, like tryPop on an empty ring',
      );
    }
    this.nextOut += got;
    this.checkState(step);
  }
}

function singleEdges(mod: RingModule, capacity: number, startIndex: number, label: string, watchStores = false): void {
  const t = new Tracker(mod.SpscRing.create(capacity, { startIndex }), label, startIndex, watchStores);
  t.checkState('new ring');
  t.pop(1, 'tryPop on a new ring');
  t.push(capacity, `filling all ${capacity} slots`);
  t.push(2, 'tryPush on a full ring');
  t.pop(1, 'one pop from full');
  t.push(1, 'refilling the freed slot');
  t.pop(capacity, 'draining');
  t.pop(1, 'tryPop on a drained ring');
  for (let lap = 0; lap < 300; lap++) {
    t.push(capacity - 1, `cycle ${lap}: push ${capacity - 1}`);
    t.pop(capacity - 1, `cycle ${lap}: pop ${capacity - 1}`);
  }
  for (let lap = 0; lap < 50; lap++) {
    t.push(capacity + 1, `cycle ${lap}: push to full and one more`);
    t.pop(capacity, `cycle ${lap}: pop everything`);
  }
}

/** The capacity rule of the file's header: a power of two (the slot mask needs it), 2 .. 2^24. */
function capacityRule(mod: RingModule): void {
  for (const bad of [0, 1, 3, 6, 12, 2.5, -4, 2 ** 25, Number.NaN]) {
    let threw: unknown = null;
    try {
      mod.SpscRing.create(bad);
    } catch (err) {
      threw = err;
    }
    expect(threw instanceof RangeError, () => `SpscRing.create(${bad}) must throw a RangeError (capacity must be a power of two between 2 and 2^24), got ${threw === null ? 'a ring' : String(threw)}`);
  }
  // 2^24 is the largest capacity allowed: 400 MB of shared memory, reserved but never touched here.
  for (const good of [2, 4, 1024, 2 ** 24]) {
    let ring: Ring;
    try {
      ring = mod.SpscRing.create(good);
    } catch (err) {
      throw new ScenarioFailure(`SpscRing.create(${good}) must give a ring (a power of two between 2 and 2^24, bounds included), got ${String(err)}`);
    }
    expect(ring.capacity === good, () => `SpscRing.create(${good}).capacity is ${ring.capacity}`);
  }
}

function batchEdges(mod: RingModule, startIndex: number, label: string, watchStores = false): void {
  const t = new Tracker(mod.SpscRing.create(8, { startIndex }), label, startIndex, watchStores);
  t.popBatch(5, 'popBatch on a new ring');
  t.pushBatch(10, 'pushBatch of 10 into 8 free slots');
  t.pushBatch(3, 'pushBatch into a full ring');
  t.popBatch(0, 'popBatch with max 0');
  t.popBatch(-2, 'popBatch with a negative max');
  t.pushBatchNegative(-2, 'pushBatch with a negative count into a full ring');
  t.popBatch(3, 'popBatch of 3');
  t.pushBatch(2, 'pushBatch of 2 into 3 free slots');
  t.pop(1, 'tryPop after batches');
  t.push(2, 'tryPush after batches');
  t.popBatch(64, 'popBatch of everything');
  t.popBatch(4, 'popBatch on a drained ring');
  t.pushBatchNegative(-1, 'pushBatch with a negative count into an empty ring');
  t.pushBatchRest(3, 'pushBatch(records, 1) with no count into an empty ring');
  t.popBatch(1, 'popBatch of 1 holding 3');
  t.popBatch(64, 'popBatch of the rest');
  for (let lap = 0; lap < 200; lap++) {
    t.pushBatch(5 + (lap % 5), `cycle ${lap}: pushBatch`);
    t.popBatch(3 + (lap % 7), `cycle ${lap}: popBatch`);
    t.popBatch(64, `cycle ${lap}: drain`);
  }
}

const SCENARIOS: Record<string, (mod: RingModule) => void> = {
  'edges-single': (mod) => {
    capacityRule(mod);
    singleEdges(mod, 4, 0, 'capacity 4');
    singleEdges(mod, 2, 0, 'capacity 2');
  },
  'edges-batch': (mod) => batchEdges(mod, 0, 'capacity 8'),
  'wrap-single': (mod) => {
    singleEdges(mod, 4, INT32_MAX - 2, 'capacity 4 starting at 2^31-3');
    singleEdges(mod, 4, -3, 'capacity 4 starting at -3');
    singleEdges(mod, 2, INT32_MAX - 1, 'capacity 2 starting at 2^31-2');
  },
  // The publication order, watched at every index store (index-watch.ts), also across the wrap.
  'publish-single': (mod) => {
    singleEdges(mod, 4, 0, 'capacity 4, index stores watched', true);
    singleEdges(mod, 2, INT32_MAX - 1, 'capacity 2 starting at 2^31-2, index stores watched', true);
  },
  'publish-batch': (mod) => batchEdges(mod, INT32_MAX - 4, 'capacity 8 starting at 2^31-5, index stores watched', true),
  'wrap-batch': (mod) => batchEdges(mod, INT32_MAX - 4, 'capacity 8 starting at 2^31-5'),
};

export const scenarioNames = Object.keys(SCENARIOS);

export function runScenario(name: string, mod: RingModule): void {
  const run = SCENARIOS[name];
  if (!run) throw new Error(`unknown scenario ${name}`);
  run(mod);
}
