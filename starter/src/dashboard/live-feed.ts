// Level 7 · provided: read it, don't change it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../lib/clock.ts';
import { errorReply } from '../http/error-response.ts';
import { sendJson } from '../http/reply.ts';
import { parseDuration } from '../query/query-params.ts';
import { parseRangeQuery, runRangeQuery, type RangeQuery, type RangeResult } from '../query/range-query.ts';
import type { StatsReport } from '../stats/stats-report.ts';
import type { SeriesStore } from '../storage/series-store.ts';

export interface LiveSources {
  store: SeriesStore;
  clock: Clock;
  report: () => StatsReport;
  /** Rules currently firing. */
  firing: () => Array<{ rule: string; severity: string; value?: number; firedAt?: number }>;
  /** Time between two frames of a stream. */
  intervalMs: number;
}

/** One frame of `GET /events`. */
export interface LiveFrame {
  t: number;
  /** Metrics accepted per second since the previous frame of this stream. */
  ingestRate: number;
  /** POST /metrics latency percentiles in ms (absent before the first POST). */
  ingestLatency?: { p50: number; p95: number; p99: number };
  queues: Record<string, number>;
  stored: { series: number; points: number };
  firing: ReturnType<LiveSources['firing']>;
  /** The series the client asked for over the last `window` (when it asked). */
  series?: RangeResult;
}

/**
 * `GET /events`: Server-Sent Events, one `frame` event per interval. The chosen series is given as
 * the query API's parameters plus `window` (default 15m), evaluated at each frame as [now - window, now].
 */
export class LiveFeed {
  private readonly streams = new Set<ServerResponse>();

  constructor(private readonly src: LiveSources) {}

  handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    let seriesParams: URLSearchParams | undefined;
    let windowMs = 15 * 60_000;
    try {
      if (url.searchParams.has('window')) windowMs = parseDuration(url.searchParams.get('window')!, 'window');
      if (url.searchParams.has('name')) {
        seriesParams = new URLSearchParams(url.searchParams);
        seriesParams.delete('window');
        this.lastWindow(seriesParams, windowMs); // a bad query is a 400 now, not a broken stream
      }
    } catch (err) {
      sendJson(res, errorReply(err));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    this.streams.add(res);
    let prev = { t: performance.now(), accepted: this.src.report().counters.accepted ?? 0 };
    const send = (): void => {
      const report = this.src.report();
      const now = performance.now();
      const accepted = report.counters.accepted ?? 0;
      const frame: LiveFrame = {
        t: this.src.clock.now(),
        ingestRate: now > prev.t ? ((accepted - prev.accepted) * 1000) / (now - prev.t) : 0,
        queues: report.queues,
        stored: this.src.store.size,
        firing: this.src.firing(),
      };
      prev = { t: now, accepted };
      const ingest = report.routes['/metrics'];
      if (ingest && ingest.count > 0) frame.ingestLatency = { p50: ingest.p50, p95: ingest.p95, p99: ingest.p99 };
      if (seriesParams) {
        frame.series = runRangeQuery(this.src.store, this.lastWindow(seriesParams, windowMs));
      }
      res.write(`event: frame\ndata: ${JSON.stringify(frame)}\n\n`);
    };
    const safeSend = (): void => {
      try {
        send();
      } catch (err) {
        res.write(`event: problem\ndata: ${JSON.stringify({ error: (err as Error).message })}\n\n`);
      }
    };
    safeSend();
    const timer = setInterval(safeSend, this.src.intervalMs);
    res.on('close', () => {
      clearInterval(timer);
      this.streams.delete(res);
    });
  }

  /** The chosen series' query over [now - window, now] (step limits are checked against this range). */
  private lastWindow(params: URLSearchParams, windowMs: number): RangeQuery {
    const end = this.src.clock.now();
    params.set('start', String(Math.max(0, end - windowMs)));
    params.set('end', String(end));
    return parseRangeQuery(params, end);
  }

  /** End every open stream (a stream never ends by itself, and would hold server.close). */
  close(): void {
    for (const res of this.streams) res.end();
    this.streams.clear();
  }
}
