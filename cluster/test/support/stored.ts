import type { ClickHouseAccess } from '../../src/clickhouse/endpoints.ts';
import { sqlString } from '../../src/clickhouse/sql.ts';
import type { LoadOutcome } from './load.ts';

/** How often each id of metric `name` is visible to queries (FINAL, through `table`). */
export async function visibleCounts(ch: ClickHouseAccess, name: string, table = 'metrics'): Promise<Map<number, number>> {
  return ch.run(async (client) => {
    const result = await client.query({ query: `SELECT toInt64(value) AS id, count() AS n FROM ${table} FINAL WHERE name = ${sqlString(name)} GROUP BY id`, format: 'JSONEachRow' });
    return new Map((await result.json<{ id: string; n: string }>()).map((r) => [Number(r.id), Number(r.n)]));
  });
}

export interface Reconciliation {
  accepted: number;
  /** Accepted ids visible exactly once. */
  acceptedVisibleOnce: number;
  /** Accepted ids not visible (lost) or visible more than once: both must be 0. */
  missing: number[];
  duplicated: number[];
  unacknowledged: number;
  /** Unacknowledged ids that made it anyway (at most once each). */
  unacknowledgedStored: number;
  unacknowledgedDuplicated: number[];
  /** Ids visible that were never sent: must be 0. */
  unknown: number;
}

export function reconcile(load: LoadOutcome, visible: Map<number, number>): Reconciliation {
  const accepted = new Set(load.acceptedIds);
  const r: Reconciliation = { accepted: accepted.size, acceptedVisibleOnce: 0, missing: [], duplicated: [], unacknowledged: load.unacknowledgedIds.length, unacknowledgedStored: 0, unacknowledgedDuplicated: [], unknown: 0 };
  for (const id of accepted) {
    const n = visible.get(id) ?? 0;
    if (n === 1) r.acceptedVisibleOnce++;
    else if (n === 0) r.missing.push(id);
    else r.duplicated.push(id);
  }
  const unacked = new Set(load.unacknowledgedIds);
  for (const id of unacked) {
    const n = visible.get(id) ?? 0;
    if (n >= 1) r.unacknowledgedStored++;
    if (n > 1) r.unacknowledgedDuplicated.push(id);
  }
  for (const id of visible.keys()) if (!accepted.has(id) && !unacked.has(id)) r.unknown++;
  return r;
}

/** Poll until every accepted id is visible (or `withinMs` passed), then reconcile. */
export async function reconcileWhenStored(ch: ClickHouseAccess, name: string, load: LoadOutcome, withinMs = 60_000): Promise<Reconciliation> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const visible = await visibleCounts(ch, name).catch(() => new Map<number, number>());
    const r = reconcile(load, visible);
    if (r.missing.length === 0 || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export const summary = (what: string, r: Reconciliation, failures: Record<string, number>): string =>
  `${what}: accepted ${r.accepted}, queryable exactly once ${r.acceptedVisibleOnce}, missing ${r.missing.length}, duplicated ${r.duplicated.length}; ` +
  `not acknowledged ${r.unacknowledged} (${r.unacknowledgedStored} stored anyway, at most once) by ${JSON.stringify(failures)}`;
