import net from 'node:net';

/** What came back on a raw connection: the status codes in order, the text, and how many bytes were sent. */
export interface RawExchange {
  statuses: number[];
  text: string;
  /** Bytes of the request written before the server answered or closed. */
  sent: number;
  /** True when the server closed the connection (false: we gave up at the time limit). */
  closedByServer: boolean;
}

export interface RawOptions {
  /** Half-close our side once `chunks` are written (a client that stops sending). */
  end?: boolean;
  /** Then keep sending chunked data until the server answers or closes (a body that never ends). */
  endless?: boolean;
  /** Give up after this long (default 5 s). */
  limitMs?: number;
}

/**
 * Send bytes fetch would never send (a Content-Length that lies, a body that never ends) over a
 * plain socket to 127.0.0.1, and read what comes back until the server closes the connection.
 */
export function rawExchange(url: string, chunks: readonly (string | Buffer)[], opts: RawOptions = {}): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  if (hostname !== '127.0.0.1') throw new Error(`raw requests only target 127.0.0.1, got ${hostname}`);
  return new Promise((resolve) => {
    let text = '';
    let sent = 0;
    let answered = false;
    let closedByServer = true;
    const socket = net.connect(Number(port), hostname, () => {
      for (const c of chunks) {
        socket.write(c);
        sent += c.length;
      }
      if (opts.end) socket.end();
      if (opts.endless) pump();
    });
    const piece = Buffer.alloc(64 * 1024, 'a');
    const pump = (): void => {
      while (!answered && !socket.destroyed) {
        sent += piece.length;
        if (!socket.write(`${piece.length.toString(16)}\r\n`) || !socket.write(piece) || !socket.write('\r\n')) return void socket.once('drain', pump);
      }
    };
    socket.on('data', (d: Buffer) => {
      answered = true;
      text += d.toString();
    });
    socket.on('error', () => undefined); // a reset after the answer is the server closing; what it said is in `text`
    const timer = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, opts.limitMs ?? 5_000);
    socket.on('close', () => {
      clearTimeout(timer);
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
      resolve({ statuses, text, sent, closedByServer });
    });
  });
}

export const postHead = (headers: string): string => `POST /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${headers}\r\n`;

/** A request whose client hangs up halfway through its body. */
export function abortMidBody(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  if (hostname !== '127.0.0.1') throw new Error(`raw requests only target 127.0.0.1, got ${hostname}`);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`${postHead('Content-Length: 100\r\n')}{"metrics":[`);
      setTimeout(() => socket.resetAndDestroy(), 20);
    });
    socket.on('close', () => resolve());
    socket.on('error', () => undefined);
  });
}
