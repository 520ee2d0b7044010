import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startService } from '../../src/harness/service.ts';
import { importTarget } from '../../src/harness/target.ts';

interface ConfigModule {
  validateFileConfig(raw: unknown, source: string): unknown;
}
interface NamedError {
  name: string;
  message: string;
  field?: string;
}

const GOOD = {
  port: 9090,
  host: '127.0.0.1',
  dataFile: 'data/metrics.jsonl',
  level: 7,
  maxBodyBytes: 1_048_576,
  rateLimit: { capacity: 200, refillTokens: 50, refillIntervalMs: 100 },
  shutdownGraceMs: 5_000,
  keepAliveTimeoutMs: 65_000,
  headersTimeoutMs: 66_000,
  requestTimeoutMs: 120_000,
};

/** Each bad file and the field its error must name. */
const BAD: { what: string; raw: unknown; field: string }[] = [
  { what: 'a port out of range', raw: { ...GOOD, port: 70_000 }, field: 'port' },
  { what: 'a port given as a string', raw: { ...GOOD, port: '8080' }, field: 'port' },
  { what: 'a level above the last phase', raw: { ...GOOD, level: 8 }, field: 'level' },
  { what: 'an empty host', raw: { ...GOOD, host: '' }, field: 'host' },
  { what: 'a fractional body limit', raw: { ...GOOD, maxBodyBytes: 1.5 }, field: 'maxBodyBytes' },
  { what: 'a zero bucket capacity', raw: { ...GOOD, rateLimit: { ...GOOD.rateLimit, capacity: 0 } }, field: 'rateLimit.capacity' },
  { what: 'a rate limit without its interval', raw: { ...GOOD, rateLimit: { capacity: 10, refillTokens: 1 } }, field: 'rateLimit.refillIntervalMs' },
  { what: 'a misspelt key', raw: { ...GOOD, keepAliveTimoutMs: 5_000 }, field: 'keepAliveTimoutMs' },
  { what: 'requestTimeoutMs shorter than headersTimeoutMs', raw: { ...GOOD, requestTimeoutMs: 1_000 }, field: 'requestTimeoutMs' },
  { what: 'a negative grace period', raw: { ...GOOD, shutdownGraceMs: -1 }, field: 'shutdownGraceMs' },
];

describe('configuration file validation', () => {
  it('accepts a complete, valid file', async () => {
    const { validateFileConfig } = await importTarget<ConfigModule>('src/config-file.ts');
    expect(validateFileConfig(structuredClone(GOOD), 'metricstream.json')).toEqual(GOOD);
  });

  for (const bad of BAD) {
    it(`rejects ${bad.what}, naming ${bad.field}`, async () => {
      const { validateFileConfig } = await importTarget<ConfigModule>('src/config-file.ts');
      let error: NamedError | undefined;
      try {
        validateFileConfig(bad.raw, 'metricstream.json');
      } catch (err) {
        error = err as NamedError;
      }
      expect(error, `expected a ConfigFieldError for ${bad.what}, but the file was accepted`).toBeDefined();
      if (error!.name === 'TodoError') throw error as Error;
      expect(error!.name, `expected a ConfigFieldError, got ${error!.name}: ${error!.message}`).toBe('ConfigFieldError');
      expect(error!.field, `the error for ${bad.what} should name the field "${bad.field}": ${error!.message}`).toBe(bad.field);
      expect(error!.message, `the message should name the field "${bad.field}"`).toContain(bad.field);
      expect(error!.message, 'the message should name the file').toContain('metricstream.json');
    });
  }

  it('the service refuses to start with a bad config file and says which field', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-config-'));
    const file = path.join(dir, 'metricstream.json');
    writeFileSync(file, JSON.stringify({ rateLimit: { capacity: -5, refillTokens: 1, refillIntervalMs: 100 } }));
    try {
      const started = startService({ level: 7, args: ['--config', file], startTimeoutMs: 10_000 });
      const err = await started.then(
        async (svc) => {
          await svc.stop();
          return undefined;
        },
        (e: Error) => e,
      );
      expect(err, 'the service started although its config file had rateLimit.capacity = -5').toBeDefined();
      expect(err!.message, `the service's error output should name rateLimit.capacity:\n${err!.message}`).toContain('rateLimit.capacity');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
