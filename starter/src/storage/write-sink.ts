// Level 2 · provided: read it, don't change it.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { separatorAfterTornLine } from './torn-line.ts';

/**
 * Where an AsyncWriter puts its bytes. It is a seam: the service passes a FileSink (maybe slowed
 * down by withDiskLatency), tests pass sinks that stall or fail on purpose.
 */
export interface WriteSink {
  /**
   * Append `data` after everything written so far and make it durable (one fsync). If it rejects,
   * nothing counts as written: calling it again with the same data must not leave a second (or
   * partial) copy behind.
   */
  appendAndSync(data: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A WriteSink on a real file. Writes are positional (pwrite at the end of what was confirmed), so
 * a retry overwrites whatever a failed attempt left — also after a failed fsync, whose pages the
 * kernel may have dropped: the data is written again, not just fsync'ed again.
 */
export class FileSink implements WriteSink {
  private handle: Promise<FileHandle> | undefined;
  /** Byte offset where the next append goes: the file size at open, plus every confirmed append. */
  private end = 0;
  /** '\n' until the first confirmed append when the file ended with a torn line (see torn-line.ts). */
  private separator = '';

  constructor(readonly path: string) {}

  async appendAndSync(data: string): Promise<void> {
    const fh = await this.open();
    const bytes = Buffer.from(this.separator + data, 'utf8');
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, this.end + done);
      done += bytesWritten;
    }
    await fh.sync();
    this.end += bytes.length;
    this.separator = '';
  }

  async close(): Promise<void> {
    if (!this.handle) return;
    const fh = await this.handle;
    this.handle = undefined;
    await fh.close();
  }

  private open(): Promise<FileHandle> {
    // Not O_APPEND: on Linux it makes pwrite ignore the position, and retries rely on it.
    this.handle ??= open(this.path, constants.O_WRONLY | constants.O_CREAT, 0o644).then(async (fh) => {
      this.end = (await fh.stat()).size;
      this.separator = separatorAfterTornLine(this.path);
      return fh;
    });
    return this.handle;
  }
}
