// Level 0 · provided: read it, don't change it.
/**
 * JSON of a tags object. Frozen tags objects are shared by every metric with the same tag set
 * (ingest/byte-parser.ts, packed-metrics.ts) and cannot change, so their JSON is computed once.
 */
const frozenTags = new WeakMap<Record<string, string>, string>();

export function tagsJson(tags: Record<string, string>): string {
  if (!Object.isFrozen(tags)) return JSON.stringify(tags);
  let json = frozenTags.get(tags);
  if (json === undefined) frozenTags.set(tags, (json = JSON.stringify(tags)));
  return json;
}
