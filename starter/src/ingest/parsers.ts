import { parseNaive } from './naive-parser.ts';
import { parseFast } from './fast-parser.ts';
import { IN_SERVICE_PARSE_LIMITS } from './parse-limits.ts';

/** Turns the request body's text into a JSON value; throws `ParseError` with a byte position. */
export type Parser = (text: string) => unknown;

/**
 * Parsers by name. Names (not functions) cross into worker threads, so a worker picks the same
 * parser as the main thread. Phase 3 adds its single-pass parser here.
 */
export const PARSERS = {
  naive: parseNaive,
  fast: (text: string) => parseFast(text, IN_SERVICE_PARSE_LIMITS),
} satisfies Record<string, Parser>;

export type ParserName = keyof typeof PARSERS;

/** Which parser a service at `level` uses. */
export function parserNameForLevel(level: number): ParserName {
  return level >= 3 ? 'fast' : 'naive';
}

export function parserByName(name: ParserName): Parser {
  return PARSERS[name];
}
