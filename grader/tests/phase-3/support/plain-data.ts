/**
 * Why a parse result is not made of plain data properties the way JSON.parse makes them, or
 * undefined when it is. JSON.parse gives every key (a "__proto__" key included) a data property that
 * is writable, enumerable and configurable; postMessage copies values only, so this runs in the worker.
 */
export function notPlainData(value: unknown, path = '$'): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const isArray = Array.isArray(value);
  for (const key of Reflect.ownKeys(value)) {
    if (isArray && key === 'length') continue; // an array's own length is never enumerable, in JSON.parse's too
    const at = typeof key === 'symbol' ? `${path}[${String(key)}]` : isArray ? `${path}[${key}]` : `${path}.${key}`;
    const d = Object.getOwnPropertyDescriptor(value, key)!;
    if (!('value' in d)) return `${at} is an accessor (get/set), not a data property`;
    const missing = (['writable', 'enumerable', 'configurable'] as const).filter((flag) => !d[flag]);
    if (missing.length) return `${at} is not ${missing.join(', not ')}`;
    const inner = notPlainData(d.value, at);
    if (inner) return inner;
  }
  return undefined;
}
