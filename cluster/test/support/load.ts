import http from 'node:http';

/**
 * A load generator that remembers every metric's fate: each metric carries a unique integer as its
 * value, so after a fault the store can be asked, id by id, whether each acknowledged metric is
 * there exactly once. A request is "accepted" only on a 200; anything else (a 503, a reset
 * connection, a refused one) leaves its metrics "unacknowledged": they may or may not be stored.
 */
export interface LoadOptions {
  /** Ingest nodes' URLs, used round-robin; a URL may be swapped while the load runs (a restarted node). */
  targets: () => string[];
  /** Metric name (one per scenario keeps scenarios apart). */
  name: string;
  /** First id (ids are unique across scenarios when each starts past the last one's end). */
  firstId: number;
  metricsPerRequest?: number;
  concurrency?: number;
  /** Timestamps: base + id (ms). */
  baseTime: number;
}

export interface LoadRun {
  /** Stop sending; resolves with the outcome once every request in flight has ended. */
  stop(): Promise<LoadOutcome>;
  /** Requests answered 200 so far. */
  accepted(): number;
}

export interface LoadOutcome {
  acceptedIds: number[];
  /** Ids of requests not answered 200 (maybe stored, maybe not: never acknowledged). */
  unacknowledgedIds: number[];
  /** Non-200 answers and failed requests by status or error code. */
  failures: Record<string, number>;
  nextId: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function startLoad(opts: LoadOptions): LoadRun {
  const per = opts.metricsPerRequest ?? 20;
  let nextId = opts.firstId;
  let turn = 0;
  let running = true;
  const acceptedIds: number[] = [];
  const unacknowledgedIds: number[] = [];
  const failures: Record<string, number> = {};
  const worker = async (w: number): Promise<void> => {
    while (running) {
      const ids = Array.from({ length: per }, () => nextId++);
      const targets = opts.targets();
      const target = targets[turn++ % targets.length]!;
      const body = JSON.stringify({ metrics: ids.map((id) => ({ name: opts.name, value: id, timestamp: opts.baseTime + id, tags: { host: `h${id % 5}` } })) });
      const outcome = await post(target, body, `load-${w}`);
      if (outcome === 200) acceptedIds.push(...ids);
      else {
        unacknowledgedIds.push(...ids);
        failures[outcome] = (failures[outcome] ?? 0) + 1;
        await new Promise((r) => setTimeout(r, 50)); // a refused request is retried as a new one later, like a client would
      }
    }
  };
  const workers = Array.from({ length: opts.concurrency ?? 8 }, (_, w) => worker(w));
  return {
    accepted: () => acceptedIds.length,
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return { acceptedIds, unacknowledgedIds, failures, nextId };
    },
  };
}

/** The status code, or the error's code for a request that got no answer. Never hangs: 15 s at most. */
function post(url: string, body: string, client: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.request(`${url}/metrics`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-client-id': client, 'content-length': Buffer.byteLength(body) }, timeout: 15_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'ERROR'));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'ERROR'));
    req.end(body);
  });
}
