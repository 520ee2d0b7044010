import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startService } from '../../src/harness/service.ts';
import { importTarget } from '../../src/harness/target.ts';

interface ConfigModule {
  validateFileConfig(raw: unknown, source: string): unknown;
  readConfigFile(file: string): unknown;
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

/**
 * Each bad file, the field its error must name, (for a bad value) the value the message must show, and
 * (for a bounded key) the range the message must state.
 */
const BAD: { what: string; raw: unknown; field: string; got?: unknown; says?: string }[] = [
  { what: 'a port out of range', raw: { ...GOOD, port: 70_000 }, field: 'port', says: '0..65535' },
  { what: 'a port given as a string', raw: { ...GOOD, port: '8080' }, field: 'port' },
  { what: 'a level above the last phase', raw: { ...GOOD, level: 8 }, field: 'level', says: '0..7' },
  { what: 'an empty host', raw: { ...GOOD, host: '' }, field: 'host' },
  { what: 'a host of spaces only', raw: { ...GOOD, host: '   ' }, field: 'host' },
  { what: 'a dataFile of spaces only', raw: { ...GOOD, dataFile: ' ' }, field: 'dataFile' },
  { what: 'a fractional body limit', raw: { ...GOOD, maxBodyBytes: 1.5 }, field: 'maxBodyBytes' },
  { what: 'a zero bucket capacity', raw: { ...GOOD, rateLimit: { ...GOOD.rateLimit, capacity: 0 } }, field: 'rateLimit.capacity' },
  { what: 'a rate limit without its interval', raw: { ...GOOD, rateLimit: { capacity: 10, refillTokens: 1 } }, field: 'rateLimit.refillIntervalMs' },
  { what: 'a misspelt key', raw: { ...GOOD, keepAliveTimoutMs: 5_000 }, field: 'keepAliveTimoutMs' },
  { what: 'requestTimeoutMs shorter than headersTimeoutMs', raw: { ...GOOD, requestTimeoutMs: 1_000 }, field: 'requestTimeoutMs' },
  { what: 'a negative grace period', raw: { ...GOOD, shutdownGraceMs: -1 }, field: 'shutdownGraceMs' },
  // the file itself
  { what: 'a file that is an array', raw: [GOOD], field: '(root)' },
  { what: 'a file that is null', raw: null, field: '(root)' },
  { what: 'a file that is a string', raw: 'port=8080', field: '(root)' },
  // every key at and past its limits
  { what: 'a negative port', raw: { ...GOOD, port: -1 }, field: 'port', got: -1 },
  { what: 'port 65536', raw: { ...GOOD, port: 65_536 }, field: 'port', got: 65_536 },
  { what: 'a fractional port', raw: { ...GOOD, port: 80.5 }, field: 'port', got: 80.5 },
  { what: 'a null port', raw: { ...GOOD, port: null }, field: 'port', got: null },
  { what: 'a negative level', raw: { ...GOOD, level: -1 }, field: 'level', got: -1 },
  { what: 'a fractional level', raw: { ...GOOD, level: 6.5 }, field: 'level', got: 6.5 },
  { what: 'a level given as a string', raw: { ...GOOD, level: '7' }, field: 'level', got: '7' },
  { what: 'a numeric host', raw: { ...GOOD, host: 127 }, field: 'host', got: 127 },
  { what: 'an empty dataFile', raw: { ...GOOD, dataFile: '' }, field: 'dataFile' },
  { what: 'a numeric rulesFile', raw: { ...GOOD, rulesFile: 7 }, field: 'rulesFile', got: 7 },
  { what: 'a zero body limit', raw: { ...GOOD, maxBodyBytes: 0 }, field: 'maxBodyBytes', got: 0 },
  { what: 'a zero alert interval', raw: { ...GOOD, alertIntervalMs: 0 }, field: 'alertIntervalMs', got: 0 },
  { what: 'a zero grace period', raw: { ...GOOD, shutdownGraceMs: 0 }, field: 'shutdownGraceMs', got: 0 },
  { what: 'a zero keep-alive timeout', raw: { ...GOOD, keepAliveTimeoutMs: 0 }, field: 'keepAliveTimeoutMs', got: 0 },
  { what: 'a zero headers timeout', raw: { ...GOOD, headersTimeoutMs: 0 }, field: 'headersTimeoutMs', got: 0 },
  { what: 'a zero request timeout', raw: { ...GOOD, requestTimeoutMs: 0 }, field: 'requestTimeoutMs', got: 0 },
  { what: 'a keep-alive timeout given as a string', raw: { ...GOOD, keepAliveTimeoutMs: '65000' }, field: 'keepAliveTimeoutMs', got: '65000' },
  { what: 'a fractional alert interval', raw: { ...GOOD, alertIntervalMs: 2.5 }, field: 'alertIntervalMs', got: 2.5 },
  // the rateLimit section: its type, each of its keys, and unknown keys inside it
  { what: 'a rateLimit that is a number', raw: { ...GOOD, rateLimit: 100 }, field: 'rateLimit', got: 100 },
  { what: 'a rateLimit that is an array', raw: { ...GOOD, rateLimit: [200, 50, 100] }, field: 'rateLimit' },
  { what: 'a rateLimit that is null', raw: { ...GOOD, rateLimit: null }, field: 'rateLimit' },
  { what: 'an unknown key inside rateLimit', raw: { ...GOOD, rateLimit: { ...GOOD.rateLimit, burst: 500 } }, field: 'rateLimit.burst' },
  { what: 'a capacity one past what a bucket word holds', raw: { ...GOOD, rateLimit: { ...GOOD.rateLimit, capacity: 2_097_152 } }, field: 'rateLimit.capacity', got: 2_097_152, says: '1..2097151' },
  { what: 'a fractional capacity', raw: { ...GOOD, rateLimit: { ...GOOD.rateLimit, capacity: 10.5 } }, field: 'rateLimit.capacity', got: 10.5 },
  { what: 'zero refill tokens', raw: { ...GOOD, rateLimit: { ...GOOD.rateLimit, refillTokens: 0 } }, field: 'rateLimit.refillTokens', got: 0 },
  { what: 'a zero refill interval', raw: { ...GOOD, rateLimit: { ...GOOD.rateLimit, refillIntervalMs: 0 } }, field: 'rateLimit.refillIntervalMs', got: 0 },
  { what: 'refill tokens given as a string', raw: { ...GOOD, rateLimit: { ...GOOD.rateLimit, refillTokens: '50' } }, field: 'rateLimit.refillTokens', got: '50' },
  { what: 'a rate limit without its capacity', raw: { ...GOOD, rateLimit: { refillTokens: 1, refillIntervalMs: 100 } }, field: 'rateLimit.capacity' },
  { what: 'a rate limit without its refill tokens', raw: { ...GOOD, rateLimit: { capacity: 10, refillIntervalMs: 100 } }, field: 'rateLimit.refillTokens' },
];

/** Files at the edges of every rule: each must be accepted and returned unchanged. */
const GOOD_EDGES: { what: string; raw: Record<string, unknown> }[] = [
  { what: 'an empty file (every key is optional)', raw: {} },
  { what: 'port 0 (any free port)', raw: { port: 0 } },
  { what: 'port 65535', raw: { port: 65_535 } },
  { what: 'level 0', raw: { level: 0 } },
  { what: 'level 7', raw: { level: 7 } },
  { what: 'a rules file', raw: { rulesFile: 'rules.json' } },
  { what: 'every duration and limit at its minimum of 1', raw: { maxBodyBytes: 1, alertIntervalMs: 1, shutdownGraceMs: 1, keepAliveTimeoutMs: 1, headersTimeoutMs: 1, requestTimeoutMs: 1 } },
  { what: 'requestTimeoutMs equal to headersTimeoutMs', raw: { headersTimeoutMs: 30_000, requestTimeoutMs: 30_000 } },
  { what: 'the largest bucket a word holds', raw: { rateLimit: { capacity: 2_097_151, refillTokens: 1, refillIntervalMs: 1 } } },
  { what: 'the smallest bucket', raw: { rateLimit: { capacity: 1, refillTokens: 1, refillIntervalMs: 1 } } },
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
      if ('got' in bad) {
        const shown = String(bad.got);
        expect(error!.message, `the message for ${bad.what} should say what came (${shown}), like "port must be an integer in 0..65535, got 70000": ${error!.message}`).toContain(shown);
      }
      if (bad.says) {
        expect(error!.message, `the message for ${bad.what} should state the allowed range ${bad.says}, like "port must be an integer in 0..65535, got 70000": ${error!.message}`).toContain(bad.says);
      }
    });
  }

  for (const edge of GOOD_EDGES) {
    it(`accepts ${edge.what}`, async () => {
      const { validateFileConfig } = await importTarget<ConfigModule>('src/config-file.ts');
      let result: unknown;
      try {
        result = validateFileConfig(structuredClone(edge.raw), 'metricstream.json');
      } catch (err) {
        const e = err as NamedError;
        if (e?.name === 'TodoError') throw e as Error;
        throw new Error(`expected ${edge.what} ${JSON.stringify(edge.raw)} to be accepted (the lesson allows it), but it threw ${e?.name}: ${e?.message}`);
      }
      expect(result, `expected ${edge.what} to be returned unchanged`).toEqual(edge.raw);
    });
  }

  it('readConfigFile reads a good file, and names the file for one that is missing or not JSON (with the parser\'s position)', async () => {
    const { readConfigFile } = await importTarget<ConfigModule>('src/config-file.ts');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-config-'));
    try {
      const good = path.join(dir, 'good.json');
      writeFileSync(good, JSON.stringify(GOOD));
      expect(readConfigFile(good), 'a valid file is returned as parsed').toEqual(GOOD);
      const notJson = '{ "port": 8080, }';
      let parserMessage = '';
      try {
        JSON.parse(notJson);
      } catch (err) {
        parserMessage = (err as Error).message;
      }
      const broken = path.join(dir, 'broken.json');
      writeFileSync(broken, notJson);
      const cases: Array<[string, string, string]> = [
        [path.join(dir, 'missing.json'), 'a missing file', 'missing.json'],
        [broken, 'a file that is not JSON', parserMessage],
      ];
      for (const [file, what, shows] of cases) {
        let error: NamedError | undefined;
        try {
          readConfigFile(file);
        } catch (err) {
          error = err as NamedError;
        }
        expect(error, `expected a ConfigFieldError for ${what}, but readConfigFile returned`).toBeDefined();
        expect(error!.name, `${what}: expected a ConfigFieldError, got ${error!.name}: ${error!.message}`).toBe('ConfigFieldError');
        expect(error!.field, `${what}: the error should name the file itself, field "(file)", not a key: ${error!.message}`).toBe('(file)');
        expect(error!.message, `${what}: the message should name the file and say why (for bad JSON, the parser's own message with its position): ${error!.message}`).toContain(shows);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

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
