// Level 7 · provided: read it, don't change it.
import type { WebhookSettings } from './service-rules.ts';

/** What a webhook receives, once per state change of a rule (JSON body of a POST). */
export interface AlertNotification {
  /** Unique per state change; also sent as the Idempotency-Key header, the same on every retry. */
  id: string;
  rule: string;
  severity: string;
  status: 'firing' | 'resolved';
  expr: string;
  comparator: string;
  threshold: number;
  value?: number;
  pendingSince?: number;
  firedAt?: number;
  resolvedAt?: number;
}

/**
 * Delivers notifications to one webhook: each is POSTed until a 2xx, up to maxAttempts, waiting
 * retryBaseMs, 2x, 4x… between attempts. A notification id is accepted once, so a state change
 * can never be announced twice, however often it is handed in.
 */
export class WebhookNotifier {
  private readonly seen = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly settings: WebhookSettings,
    private readonly log: (line: string) => void,
  ) {}

  notify(n: AlertNotification): void {
    if (this.closed || this.seen.has(n.id)) return;
    this.seen.add(n.id);
    const p = this.deliver(n).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Wait for deliveries under way (tests, shutdown); no new retries are scheduled afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Resolves when every delivery handed in so far has succeeded or given up. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(n: AlertNotification): Promise<void> {
    const { url, maxAttempts, retryBaseMs, timeoutMs } = this.settings;
    let lastError = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        if (this.closed) break;
        await new Promise((r) => setTimeout(r, retryBaseMs * 2 ** (attempt - 2)));
      }
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': n.id },
          body: JSON.stringify(n),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer(); // release the connection
        if (res.ok) return;
        lastError = `HTTP ${res.status}`;
      } catch (err) {
        lastError = (err as Error).message;
      }
    }
    this.log(`alert ${n.rule}: webhook gave up on ${n.status} notification ${n.id} (${lastError})`);
  }
}
