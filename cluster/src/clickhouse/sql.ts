/**
 * Values and names written into ClickHouse SQL text. ClickHouse 18.16 refuses the client's query
 * parameters ({name:String}), so every value a query carries (metric names, tag keys and values,
 * regexes: whatever a client sent) is quoted here, and nowhere else.
 */

/** Characters a quoted literal or identifier must not hold as themselves, with their escape. */
const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '`': '\\`',
  // Not needed by the parser, but keep a query on one line and free of NULs in logs and tools.
  '\0': '\\0',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

const escape = (s: string, specials: RegExp): string => s.replace(specials, (c) => ESCAPES[c]!);

/** A string literal: `'it\'s'`. ClickHouse reads the escapes back byte for byte (UTF-8 stays as is). */
export function sqlString(value: string): string {
  return `'${escape(value, /[\\'\0\n\r\t]/g)}'`;
}

/** An identifier (table, column): `` `my table` ``. */
export function sqlIdentifier(name: string): string {
  if (name === '') throw new RangeError('an SQL identifier cannot be empty');
  return `\`${escape(name, /[\\`\0\n\r\t]/g)}\``;
}

/** A number literal: an integer (epoch ms, a step) as digits; anything else is a programming error. */
export function sqlInteger(n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${n} is not a safe integer`);
  return String(n);
}
