// Level 7 · provided: read it, don't change it.
import type { Worker } from 'node:worker_threads';
import { createWorker } from '../lib/ts-worker.ts';
import { writerErrorFromWire, type HostMessage } from './writer-thread-protocol.ts';

/**
 * A writer thread's life as the event loop sees it, shared by both hand-overs (ThreadedWriter,
 * RingWriter): its log lines go to the service log, its death is said once and refuses every later
 * write, and close() is a handshake that always settles — with the thread's own answer, or with why
 * there will be none.
 */
export class WriterThreadHost<In, Out extends { type: string } | HostMessage> {
  private readonly worker: Worker;
  private closing: Promise<void> | undefined;
  private onClosed: ((error: Error | undefined) => void) | undefined;
  /** Set when the thread died (or its writer gave up): every later write is refused with it. */
  dead: Error | undefined;

  constructor(
    entry: URL,
    data: unknown,
    private readonly log: (line: string) => void,
    onMessage: (msg: Out) => void,
    /** Told once, when the thread dies: answer what is in flight. */
    private readonly onDeath: (err: Error) => void = () => {},
  ) {
    this.worker = createWorker(entry, { workerData: data });
    this.worker.on('message', (msg: Out) => {
      const host = msg as HostMessage;
      if (host.type === 'log') log(host.line);
      else if (host.type === 'closed') this.onClosed?.(host.error && writerErrorFromWire(host.error));
      else onMessage(msg);
    });
    this.worker.on('error', (err) => this.fail(new Error(`the writer thread failed: ${err.message}`)));
    this.worker.on('exit', (code) => this.fail(new Error(`the writer thread exited (code ${code})`)));
  }

  get isClosing(): boolean {
    return this.closing !== undefined;
  }

  post(msg: In): void {
    this.worker.postMessage(msg);
  }

  /** Post `closeMessage` (after every message posted so far: they keep their order) and wait for the thread's answer. */
  close(closeMessage: In, afterPost: () => void = () => {}): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      if (this.dead) return reject(this.dead);
      this.onClosed = (error) => {
        this.onClosed = undefined;
        void this.worker.terminate();
        if (error) reject(error);
        else resolve();
      };
      this.post(closeMessage);
      afterPost();
    });
    return this.closing;
  }

  /** The thread is gone, or its writer gave up: say so once, refuse from now on, settle a pending close(). */
  fail(err: Error): void {
    if (this.dead) return;
    this.dead = err;
    if (!this.closing) this.log(`storage: ${err.message}; every write from now on is refused`);
    this.onDeath(err);
    this.onClosed?.(err);
  }

  /** For tests: the thread itself. */
  get thread(): Worker {
    return this.worker;
  }
}
