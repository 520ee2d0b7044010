/**
 * Check the lines a writer left on disk against what was accepted: every line valid JSON, every
 * client's sequence numbers 0..n-1 exactly once and in order. Returns the first problem, in words.
 */
export function checkSequences(lines: readonly string[], expected: ReadonlyMap<string, number>): string | undefined {
  const total = [...expected.values()].reduce((a, b) => a + b, 0);
  const next = new Map<string, number>();
  for (const [i, line] of lines.entries()) {
    let rec: { client?: unknown; tags?: { seq?: unknown } };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      return `line ${i + 1} is not valid JSON: ${line.slice(0, 120)}`;
    }
    const client = String(rec.client);
    const seq = Number(rec.tags?.seq);
    const want = next.get(client) ?? 0;
    if (!expected.has(client)) return `line ${i + 1} has client "${client}", which never wrote: ${line.slice(0, 120)}`;
    if (seq < want) return `line ${i + 1}: client ${client}'s metric #${seq} appears twice (or out of order after #${want - 1})`;
    if (seq > want) return `line ${i + 1}: client ${client}'s metric #${seq} comes before #${want} — per-client order broken or #${want} lost`;
    next.set(client, want + 1);
  }
  if (lines.length !== total) {
    const short = [...expected].filter(([c, n]) => (next.get(c) ?? 0) !== n).map(([c, n]) => `${c}: ${next.get(c) ?? 0}/${n}`);
    return `expected exactly ${total} lines, got ${lines.length} (${short.join(', ')}) — metrics accepted by write() were lost`;
  }
  return undefined;
}
