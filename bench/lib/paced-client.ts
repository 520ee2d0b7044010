import net from 'node:net';
import { percentile } from '../../grader/src/harness/load.ts';

export interface PacedOptions {
  url: string;
  body: string;
  /** Requests per second, spread evenly (open loop: a slow answer does not delay the next send). */
  rate: number;
  durationSec: number;
  /** Keep-alive sockets at most; a send finding none idle opens one, up to this many. */
  connections?: number;
  /** Per-request timeout, ms. */
  timeoutMs?: number;
}

export interface PacedResult {
  sent: number;
  ok: number;
  failed: number;
  /** Achieved send rate, req/s. */
  rate: number;
  /** From the request's first byte written to the last byte of its answer read, ms. */
  p50: number;
  p99: number;
  /** How late sends were against their schedule (the client's own jitter), ms. */
  lagP99: number;
}

/**
 * A paced client: request i is due at t0 + i/rate. A 1 ms timer sends whatever is due (2-3
 * requests per tick at 2,253 req/s), so load arrives evenly instead of in autocannon's bursts of a
 * second's worth at once, and without a spinning loop that would take a core from the server.
 *
 * It speaks HTTP/1.1 on raw keep-alive sockets (one request in flight per socket, the request's
 * bytes built once), because at sub-millisecond latencies Node's own HTTP client is the largest
 * term in what it measures: its per-request work runs on the same 2 cores, between the send and
 * the moment the answer is noticed. This client does almost nothing per request, so the latency it
 * reports is the server's plus the loopback's.
 */
export function runPaced(o: PacedOptions): Promise<PacedResult> {
  const target = new URL(o.url);
  const port = Number(target.port || 80);
  const body = Buffer.from(o.body);
  const request = Buffer.concat([
    Buffer.from(
      `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\n\r\n`,
      'latin1',
    ),
    body,
  ]);
  const maxSockets = o.connections ?? 50;
  const timeoutMs = o.timeoutMs ?? 5000;
  const idle: Conn[] = [];
  const all = new Set<Conn>();
  const latencies: number[] = [];
  const lags: number[] = [];
  let unsent = 0; // sends that are due but found no socket yet (only past maxSockets)
  let sent = 0;
  let done = 0;
  let failed = 0;
  const total = Math.max(1, Math.round(o.rate * o.durationSec));
  const t0 = performance.now();

  return new Promise((resolve) => {
    const finish = (): void => {
      if (done < total) return;
      for (const c of all) c.socket.destroy();
      const elapsed = (performance.now() - t0) / 1000;
      latencies.sort((a, b) => a - b);
      lags.sort((a, b) => a - b);
      resolve({
        sent,
        ok: latencies.length,
        failed,
        rate: sent / Math.max(elapsed, o.durationSec),
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        lagP99: percentile(lags, 99),
      });
    };
    const settle = (latency: number | undefined): void => {
      done++;
      if (latency === undefined) failed++;
      else latencies.push(latency);
      finish();
    };
    const release = (c: Conn): void => {
      if (c.closed) {
        all.delete(c); // the server said `connection: close`: a waiting send gets a new socket
        if (unsent > 0) send(open());
      } else if (unsent > 0) send(c);
      else idle.push(c);
    };
    const open = (): Conn => {
      const c = new Conn(net.connect({ host: target.hostname, port, noDelay: true }), timeoutMs, {
        answered: (latency, ok) => {
          settle(ok ? latency : undefined);
          release(c);
        },
        lost: (inFlight) => {
          all.delete(c);
          const at = idle.indexOf(c);
          if (at >= 0) idle.splice(at, 1);
          if (inFlight) settle(undefined);
          if (unsent > 0 && done < total) send(open());
        },
      });
      all.add(c);
      return c;
    };
    const send = (c: Conn): void => {
      unsent--;
      c.send(request);
    };
    const tick = (): void => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - t0) / 1000) * o.rate) + 1);
      while (sent < due) {
        lags.push(now - (t0 + (sent * 1000) / o.rate));
        sent++;
        unsent++;
        const c = idle.pop() ?? (all.size < maxSockets ? open() : undefined);
        if (c) send(c); // else the next answer's release() sends it
      }
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
}

interface ConnEvents {
  answered(latencyMs: number, ok: boolean): void;
  /** The socket closed or failed; `inFlight`: a request on it got no answer. */
  lost(inFlight: boolean): void;
}

/** One keep-alive socket with at most one request in flight; reads just enough HTTP to find the answer's end. */
class Conn {
  private startedAt = 0;
  private inFlight = false;
  private buf: Buffer = Buffer.alloc(0);
  private timer: NodeJS.Timeout | undefined;
  /** No further request may use this socket. */
  closed = false;

  constructor(
    readonly socket: net.Socket,
    private readonly timeoutMs: number,
    private readonly on: ConnEvents,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.closed = true;
      clearTimeout(this.timer);
      const lostOne = this.inFlight;
      this.inFlight = false;
      this.on.lost(lostOne);
    });
  }

  send(request: Buffer): void {
    this.inFlight = true;
    this.buf = Buffer.alloc(0);
    this.startedAt = performance.now();
    this.timer = setTimeout(() => this.socket.destroy(), this.timeoutMs);
    this.socket.write(request);
  }

  private onData(chunk: Buffer): void {
    if (!this.inFlight) return; // nothing asked: ignore (a server never answers unasked)
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const end = answerEnd(this.buf);
    if (end === undefined) return;
    const latency = performance.now() - this.startedAt;
    clearTimeout(this.timer);
    this.inFlight = false;
    const status = Number(this.buf.toString('latin1', 9, 12));
    if (/\r\nconnection: *close\r\n/i.test(this.buf.toString('latin1', 0, end))) {
      this.closed = true;
      this.socket.destroy();
    }
    this.on.answered(latency, status === 200);
  }
}

/** Byte length of a complete HTTP/1.1 answer at the start of `buf`, or undefined while it is incomplete. */
function answerEnd(buf: Buffer): number | undefined {
  const head = buf.indexOf('\r\n\r\n', 0, 'latin1');
  if (head < 0) return undefined;
  const headers = buf.toString('latin1', 0, head);
  const length = /\r\ncontent-length: *(\d+)/i.exec(headers);
  if (length) {
    const end = head + 4 + Number(length[1]);
    return buf.length >= end ? end : undefined;
  }
  if (/\r\ntransfer-encoding: *chunked/i.test(headers)) {
    const last = buf.indexOf('\r\n0\r\n\r\n', head, 'latin1');
    return last < 0 ? undefined : last + 7;
  }
  return head + 4; // no body
}
