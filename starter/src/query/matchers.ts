// Level 7 · provided: read it, don't change it.
import { BadParameterError } from '../http/errors.ts';

/** `key=value`, `key!=value`, `key=~regex`, `key!~regex` (regexes match the whole tag value). */
export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface TagMatcher {
  key: string;
  op: MatchOp;
  value: string;
}

const MATCHER = /^([^=!~]+)(=~|!~|!=|=)(.*)$/s;
/** A pattern this long is a mistake, and a short one bounds how much backtracking a user can ask for. */
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
    return op === '=~' ? (tags) => re.test(get(tags)) : (tags) => !re.test(get(tags));
  });
  return (tags) => tests.every((t) => t(tags));
}

function compileRegex(pattern: string): RegExp {
  if (pattern.length > MAX_PATTERN) throw new BadParameterError('match', `regex longer than ${MAX_PATTERN} characters`);
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch (err) {
    throw new BadParameterError('match', `invalid regex "${pattern}": ${(err as Error).message}`);
  }
}

export const formatMatcher = (m: TagMatcher): string => `${m.key}${m.op}${m.value}`;
