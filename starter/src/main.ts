// Level 0 · provided: read it, don't change it.
import { ConfigError, PRODUCTION_DEFAULTS, loadConfig } from './config.ts';
import { MissingLevelError } from './lib/later-level.ts';
import { createMetricStream } from './service.ts';

// `npm start -- --port 8080 --level 0` (see config.ts for every flag and variable).
let service;
let graceMs: number = PRODUCTION_DEFAULTS.shutdownGraceMs;
try {
  const config = await loadConfig(process.argv.slice(2), process.env);
  graceMs = config.shutdownGraceMs ?? graceMs;
  service = await createMetricStream(config);
} catch (err) {
  const known = err instanceof ConfigError || err instanceof MissingLevelError || (err as Error).name === 'RulesError';
  console.error(known ? `error: ${(err as Error).message}` : err);
  process.exit(2);
}
const running = service;
const { url } = await running.listen();
console.log(`MetricStream listening on ${url} (level ${running.level})`);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) {
    console.error(`${signal} again: exiting without waiting`);
    process.exit(1);
  }
  stopping = true;
  // A drain that never ends must not hang a deploy: give up after the grace period, and say so.
  setTimeout(() => {
    console.error(`${signal}: shutdown still draining after ${graceMs} ms, exiting with 1`);
    process.exit(1);
  }, graceMs).unref();
  running.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`error during shutdown: ${(err as Error).stack ?? String(err)}`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
