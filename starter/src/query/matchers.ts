// Level 7 · provided: read it, don't change it.
import { RE2JS } from 're2js';
import { BadParameterError } from '../http/errors.ts';

/** `key=value`, `key!=value`, `key=~regex`, `key!~regex` (regexes match the whole tag value). */
export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface TagMatcher {
  key: string;
  op: MatchOp;
  value: string;
}

const MATCHER = /^([^=!~]+)(=~|!~|!=|=)(.*)$/s;
/** A pattern this long is a mistake (and bounds the size of its automaton). */
const MAX_PATTERN = 256;

/** Parse one `match=` parameter; a mistake is a 400 naming `match`. */
export function parseMatcher(s: string): TagMatcher {
  const m = MATCHER.exec(s);
  if (!m) throw new BadParameterError('match', `"${s}" is not key=value, key!=value, key=~regex or key!~regex`);
  return { key: m[1]!, op: m[2] as MatchOp, value: m[3]! };
}

/** One predicate over a series' tags for a list of matchers (all must hold). A missing tag is "". */
export function compileMatchers(matchers: readonly TagMatcher[]): (tags: Record<string, string>) => boolean {
  const tests = matchers.map(({ key, op, value }): ((tags: Record<string, string>) => boolean) => {
    const get = (tags: Record<string, string>): string => (Object.hasOwn(tags, key) ? tags[key]! : '');
    if (op === '=') return (tags) => get(tags) === value;
    if (op === '!=') return (tags) => get(tags) !== value;
    const re = compileRegex(value);
    return op === '=~' ? (tags) => re.matches(get(tags)) : (tags) => !re.matches(get(tags));
  });
  return (tags) => tests.every((t) => t(tags));
}

/**
 * RE2 syntax, matched against the whole tag value in time linear in its length (re2js, a port of
 * Google's RE2, as Prometheus uses). JavaScript's backtracking RegExp would let one query such as
 * `host=~(a+)+` block the event loop for seconds, doubling with every character of a tag value.
 */
function compileRegex(pattern: string): RE2JS {
  if (pattern.length > MAX_PATTERN) throw new BadParameterError('match', `regex longer than ${MAX_PATTERN} characters`);
  try {
    return RE2JS.compile(pattern);
  } catch (err) {
    throw new BadParameterError('match', `invalid regex "${pattern}": ${(err as Error).message}`);
  }
}

export const formatMatcher = (m: TagMatcher): string => `${m.key}${m.op}${m.value}`;
