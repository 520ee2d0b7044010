import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The errors parseArgs throws for how it was called: an unknown flag, a missing or extra value, a stray argument. */
const USAGE_ERRORS = new Set(['ERR_PARSE_ARGS_UNKNOWN_OPTION', 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE', 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL']);

/**
 * `parseArgs` for the CLIs. A mistyped flag is a usage error, not a failure of the tool: print
 * parseArgs' message and the usage and exit 2, with no stack trace. `--help` prints the usage and exits 0.
 */
export function parseFlags<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  const withHelp = { ...config, options: { help: { type: 'boolean' as const }, ...config.options } };
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(withHelp) as ReturnType<typeof parseArgs<T>>;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string' || !USAGE_ERRORS.has(code)) throw err;
    console.error(`${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if ((parsed.values as { help?: unknown }).help === true) {
    console.log(usage);
    process.exit(0);
  }
  return parsed;
}
