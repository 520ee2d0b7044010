import { expectedRecord, newRecord, sameRecord, showRecord } from './records.ts';
import type { Ring, RingModule, RingRecord } from './ring-api.ts';

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

/** Checks one ring as it goes: every answer of size/isFull/isEmpty/rejected and every popped record. */
class Tracker {
  private nextIn = 0;
  private nextOut = 0;
  private refused = 0;
  private readonly out = newRecord();
  constructor(
    readonly ring: Ring,
    private readonly label: string,
  ) {}

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
      const ok = this.ring.tryPush(rec(this.nextIn));
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
      const ok = this.ring.tryPop(this.out);
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
    const got = this.ring.pushBatch(records, 1, n);
    expect(got === fits, () => `${this.label}, ${step}: pushBatch of ${n} with ${this.ring.capacity - this.held} free slot(s) returned ${got}, expected ${fits}`);
    this.nextIn += fits;
    this.refused += n - fits;
    this.checkState(step);
  }

  popBatch(max: number, step: string): void {
    const out: RingRecord[] = [newRecord()];
    const keep = out[0];
    const expectN = Math.min(max, this.held);
    const got = this.ring.popBatch(out, max);
    expect(got === expectN, () => `${this.label}, ${step}: popBatch(max ${max}) holding ${this.held} returned ${got}, expected ${expectN}`);
    expect(expectN === 0 || out[0] === keep, () => `${this.label}, ${step}: popBatch must reuse the record objects already in out`);
    for (let k = 0; k < got; k++) {
      const want = rec(this.nextOut + k);
      expect(out[k] !== undefined && sameRecord(out[k]!, want), () => `${this.label}, ${step}: popBatch out[${k}]: expected ${showRecord(want)}, got ${out[k] ? showRecord(out[k]!) : 'nothing'}`);
    }
    this.nextOut += got;
    this.checkState(step);
  }
}

function singleEdges(mod: RingModule, startIndex: number, label: string): void {
  const t = new Tracker(mod.SpscRing.create(4, { startIndex }), label);
  t.checkState('new ring');
  t.pop(1, 'tryPop on a new ring');
  t.push(4, 'filling all 4 slots');
  t.push(2, 'tryPush on a full ring');
  t.pop(1, 'one pop from full');
  t.push(1, 'refilling the freed slot');
  t.pop(4, 'draining');
  t.pop(1, 'tryPop on a drained ring');
  for (let lap = 0; lap < 300; lap++) {
    t.push(3, `cycle ${lap}: push 3`);
    t.pop(3, `cycle ${lap}: pop 3`);
  }
}

function batchEdges(mod: RingModule, startIndex: number, label: string): void {
  const t = new Tracker(mod.SpscRing.create(8, { startIndex }), label);
  t.popBatch(5, 'popBatch on a new ring');
  t.pushBatch(10, 'pushBatch of 10 into 8 free slots');
  t.pushBatch(3, 'pushBatch into a full ring');
  t.popBatch(0, 'popBatch with max 0');
  t.popBatch(3, 'popBatch of 3');
  t.pushBatch(2, 'pushBatch of 2 into 3 free slots');
  t.pop(1, 'tryPop after batches');
  t.push(2, 'tryPush after batches');
  t.popBatch(64, 'popBatch of everything');
  t.popBatch(4, 'popBatch on a drained ring');
  for (let lap = 0; lap < 200; lap++) {
    t.pushBatch(5 + (lap % 5), `cycle ${lap}: pushBatch`);
    t.popBatch(3 + (lap % 7), `cycle ${lap}: popBatch`);
    t.popBatch(64, `cycle ${lap}: drain`);
  }
}

const SCENARIOS: Record<string, (mod: RingModule) => void> = {
  'edges-single': (mod) => singleEdges(mod, 0, 'capacity 4'),
  'edges-batch': (mod) => batchEdges(mod, 0, 'capacity 8'),
  'wrap-single': (mod) => {
    singleEdges(mod, INT32_MAX - 2, 'capacity 4 starting at 2^31-3');
    singleEdges(mod, -3, 'capacity 4 starting at -3');
  },
  'wrap-batch': (mod) => batchEdges(mod, INT32_MAX - 4, 'capacity 8 starting at 2^31-5'),
};

export const scenarioNames = Object.keys(SCENARIOS);

export function runScenario(name: string, mod: RingModule): void {
  const run = SCENARIOS[name];
  if (!run) throw new Error(`unknown scenario ${name}`);
  run(mod);
}
