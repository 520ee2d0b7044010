/**
 * Random metrics payloads written as JSON *source text* (not through JSON.stringify), so that they
 * use every form the grammar allows: escapes of every kind, \u escapes with either case, surrogate
 * pairs raw and escaped, lone surrogates, numbers with sign/fraction/exponent, whitespace anywhere,
 * unknown fields with nested values, duplicate keys, payloads of unexpected shape.
 */
type Rand = () => number;

export class PayloadGen {
  constructor(private readonly r: Rand) {}

  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  ws(): string {
    return this.chance(0.6) ? '' : this.pick([' ', '\n', '\t', '\r\n', '  ', ' \t\n ']);
  }

  hex4(unit: number): string {
    const h = unit.toString(16).padStart(4, '0');
    return this.chance(0.5) ? h : h.toUpperCase();
  }

  /** One piece of string content, as source text. */
  stringPiece(): string {
    switch (this.int(12)) {
      case 0: return this.pick(['\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t']);
      case 1: return `\\u${this.hex4(this.int(0xd800))}`; // BMP below the surrogates
      case 2: return `\\u${this.hex4(0xd800 + this.int(0x400))}\\u${this.hex4(0xdc00 + this.int(0x400))}`; // a pair
      case 3: return `\\u${this.hex4(0xd800 + this.int(0x800))}`; // a lone surrogate: JSON.parse keeps it
      case 4: return this.pick(['é', 'ü', '中文', 'Ж', '😀', '🚀x', '\u2028', '\u007f', '€']);
      case 5: return this.pick(['host', 'web-1', 'eu-west', 'cpu_usage', ' ', '-', '{', '}', '[', ']', ',', ':', 'null', '1e3']);
      default: return this.pick(['a', 'b', 'x', 'Z', '0', '9', '_', '.']).repeat(1 + this.int(6));
    }
  }

  string(): string {
    let s = '"';
    const n = this.int(6);
    for (let i = 0; i < n; i++) s += this.stringPiece();
    return `${s}"`;
  }

  digits(min: number, max: number): string {
    let s = '';
    const n = min + this.int(max - min + 1);
    for (let i = 0; i < n; i++) s += String(this.int(10));
    return s;
  }

  number(): string {
    let s = this.chance(0.3) ? '-' : '';
    s += this.chance(0.2) ? '0' : String(1 + this.int(9)) + this.digits(0, this.chance(0.1) ? 22 : 5);
    if (this.chance(0.4)) s += `.${this.digits(1, this.chance(0.1) ? 20 : 4)}`;
    if (this.chance(0.2)) s += this.pick(['e', 'E']) + this.pick(['', '+', '-']) + this.digits(1, 3);
    return s;
  }

  /** Any JSON value, nested at most `depth` more levels. */
  any(depth: number): string {
    const k = depth <= 0 ? 2 + this.int(4) : this.int(6);
    switch (k) {
      case 0: return this.object(() => this.string(), () => this.any(depth - 1), 4);
      case 1: return this.array(() => this.any(depth - 1), 4);
      case 2: return this.string();
      case 3: return this.number();
      default: return this.pick(['true', 'false', 'null']);
    }
  }

  array(item: () => string, max: number): string {
    const n = this.int(max + 1);
    const items = Array.from({ length: n }, () => this.ws() + item() + this.ws());
    return `[${n === 0 ? this.ws() : items.join(',')}]`;
  }

  object(key: () => string, value: () => string, max: number): string {
    const n = this.int(max + 1);
    const members = Array.from({ length: n }, () => `${this.ws()}${key()}${this.ws()}:${this.ws()}${value()}${this.ws()}`);
    return `{${n === 0 ? this.ws() : members.join(',')}}`;
  }

  /** A member of a metric: mostly the four known fields, sometimes of the wrong type, sometimes unknown. */
  metricMember(): string {
    const key = this.pick(['"name"', '"value"', '"timestamp"', '"tags"', '"name"', '"value"', '"unit"', '"extra"', '"na\\u006de"', this.string()]);
    let value: string;
    if (this.chance(0.15)) value = this.any(3);
    else if (key === '"name"' || key === '"na\\u006de"') value = this.string();
    else if (key === '"value"') value = this.number();
    else if (key === '"timestamp"') value = this.chance(0.5) ? '"2025-09-17T13:45:23.123Z"' : this.number();
    else if (key === '"tags"') value = this.object(() => this.string(), () => (this.chance(0.9) ? this.string() : this.any(2)), 3);
    else value = this.any(3);
    return `${this.ws()}${key}${this.ws()}:${this.ws()}${value}${this.ws()}`;
  }

  metric(): string {
    if (this.chance(0.05)) return this.any(2);
    const n = this.int(7);
    return `{${n === 0 ? this.ws() : Array.from({ length: n }, () => this.metricMember()).join(',')}}`;
  }

  /** A whole payload: almost always `{"metrics":[…]}` with extras around it. */
  payload(): string {
    if (this.chance(0.03)) return this.ws() + this.any(3) + this.ws();
    const members: string[] = [];
    const n = 1 + this.int(3);
    for (let i = 0; i < n; i++) {
      const key = this.chance(0.6) ? '"metrics"' : this.pick(['"meta"', '"source"', '"metric"', '"metrics "', this.string()]);
      const value = key === '"metrics"' && this.chance(0.95) ? this.array(() => this.metric(), 5) : this.any(4);
      members.push(`${this.ws()}${key}${this.ws()}:${this.ws()}${value}${this.ws()}`);
    }
    return `${this.ws()}{${members.join(',')}}${this.ws()}`;
  }

  /** Break a text at one place; returns the new text and the index of the first changed character. */
  mutate(text: string): { text: string; at: number } {
    const at = this.int(text.length + 1);
    const junk = this.pick(['{', '}', '[', ']', ',', ':', '"', '\\', '-', '+', '.', 'e', '0', '1', 't', 'n', 'u', 'x', ' ', '\u0000', '\n', '\u001f', 'é']);
    switch (this.int(3)) {
      case 0: return { text: text.slice(0, at) + junk + text.slice(at), at };
      case 1: return { text: text.slice(0, at) + text.slice(at + 1), at };
      default: return { text: text.slice(0, at) + junk + text.slice(at + 1), at };
    }
  }
}
