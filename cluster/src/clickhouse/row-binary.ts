/**
 * ClickHouse's RowBinary input format for the few types the metrics table uses. Binary, because
 * 18.16 parses floats in text formats (JSONEachRow, VALUES) inexactly: 2% of random doubles came
 * back one ulp off, and min/max/percentiles must return the very values stored.
 */
export class RowBinaryWriter {
  private buf: Buffer;
  private at = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** UTF-8 bytes after their LEB128 length. */
  string(s: string): this {
    const n = Buffer.byteLength(s, 'utf8');
    this.varUInt(n);
    this.reserve(n);
    this.at += this.buf.write(s, this.at, n, 'utf8');
    return this;
  }

  strings(list: readonly string[]): this {
    this.varUInt(list.length);
    for (const s of list) this.string(s);
    return this;
  }

  /** A safe integer as Int64 little-endian, without a BigInt per row. */
  int64(n: number): this {
    if (!Number.isSafeInteger(n)) throw new RangeError(`${n} is not a safe integer`);
    this.reserve(8);
    const hi = Math.floor(n / 2 ** 32);
    this.buf.writeUInt32LE(n - hi * 2 ** 32, this.at);
    this.buf.writeInt32LE(hi, this.at + 4);
    this.at += 8;
    return this;
  }

  uint32(n: number): this {
    this.reserve(4);
    this.at = this.buf.writeUInt32LE(n, this.at);
    return this;
  }

  float64(n: number): this {
    this.reserve(8);
    this.at = this.buf.writeDoubleLE(n, this.at);
    return this;
  }

  /** The bytes written so far (a view: valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  private varUInt(n: number): void {
    this.reserve(10);
    while (n >= 0x80) {
      this.buf[this.at++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.at++] = n;
  }

  private reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
}
