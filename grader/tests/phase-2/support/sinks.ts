import type { SinkLike } from './writer-module.ts';

/**
 * In-memory disks for the tests: they record every durable write and can stall or fail on demand.
 * A failed write leaves nothing behind, as the WriteSink contract says.
 */
export class MemorySink implements SinkLike {
  /** Everything written durably, in order. */
  text = '';
  /** Number of appendAndSync calls that succeeded (= fsyncs). */
  syncs = 0;
  /** Calls made, failed ones included. */
  calls = 0;
  /** performance.now() of every successful write. */
  readonly syncedAt: number[] = [];
  /** performance.now() of every call, failed ones included (retry timing). */
  readonly calledAt: number[] = [];
  /** Lines carried by each successful write, in order (batch sizes). */
  readonly batchSizes: number[] = [];
  closed = false;
  /** close() calls. */
  closeCalls = 0;
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  constructor(private readonly failWhen: (call: number) => boolean = () => false) {}

  /** From now on every write waits until release(): a disk that hangs. */
  stall(): void {
    this.gate ??= new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  /** The non-empty lines written so far. */
  get lines(): string[] {
    return this.text.split('\n').filter((l) => l.length > 0);
  }

  async appendAndSync(data: string): Promise<void> {
    const call = ++this.calls;
    this.calledAt.push(performance.now());
    if (this.gate) await this.gate;
    if (this.closed) throw new Error('test sink: write after close()');
    if (this.failWhen(call)) throw new Error(`injected disk error on write #${call}`);
    this.text += data;
    this.syncs += 1;
    this.syncedAt.push(performance.now());
    this.batchSizes.push(data.split('\n').filter((l) => l.length > 0).length);
  }

  async close(): Promise<void> {
    this.closeCalls += 1;
    this.closed = true;
  }
}
