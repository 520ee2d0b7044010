import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Page-side checks are written as expressions: this project's TypeScript has no DOM types.
import { post, startService, type RunningService } from './support/service.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.resolve('.grade/dashboard.png');
const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`dashboard e2e SKIPPED: ${CHROMIUM} is missing (install it with scripts/install-test-deps.sh)`);

describe.skipIf(missing)('the live dashboard in a real browser', () => {
  let svc: RunningService;
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    svc = await startService({ args: ['--live-interval-ms', '250'] });
    profile = mkdtempSync(path.join(os.tmpdir(), 'ms-chromium-'));
    // A fresh profile each run (Playwright passes it as --user-data-dir), headless, no sandbox (root in CI).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      viewport: { width: 1280, height: 1000 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await svc?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('starts the rate and latency charts on a time axis of about a minute, not years', async () => {
    const page = await browser.newPage();
    await page.goto(svc.url, { timeout: 15_000 });
    // The first frame: one point per chart, which uPlot alone ranges to [t, t + 1,000 days].
    await page.waitForFunction(`Number(document.getElementById('rate-chart')?.dataset.points) >= 1`, undefined, { timeout: 10_000 });
    const ranges = (await page.evaluate(`(() => {
      const frames = Number(document.getElementById('rate-chart').dataset.points);
      return ['rate-chart', 'latency-chart'].map((id) => {
        const d = document.getElementById(id).dataset;
        return { id, frames, min: Number(d.xMin), max: Number(d.xMax) };
      });
    })()`)) as Array<{ id: string; frames: number; min: number; max: number }>;
    for (const r of ranges) {
      const what = `${r.id} x axis after ${r.frames} frame(s): ${r.min}..${r.max} s`;
      // At least the last minute (the dashboard's minimum window), far less than a day.
      expect(r.max - r.min, what).toBeGreaterThanOrEqual(59);
      expect(r.max - r.min, what).toBeLessThan(86_400);
    }
    await page.close();
  });

  it('shows data posted to the API on the series chart, live', async () => {
    const now = Date.now();
    const points = Array.from({ length: 30 }, (_, i) => ({ name: 'room_temp', value: 20 + (i % 7), timestamp: now - (30 - i) * 10_000, tags: { room: 'lab' } }));
    await post(svc.url, points);

    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('close', () => problems.length && console.warn(problems.join('\n')));
    await page.goto(svc.url, { timeout: 15_000 });
    await page.waitForFunction(`document.getElementById('connection')?.textContent === 'live'`, undefined, { timeout: 10_000 }).catch((e: Error) => {
      throw new Error(`${e.message}; page errors: ${problems.join(' | ') || 'none'}`);
    });
    await page.waitForFunction(`[...document.getElementById('metric').options].some((o) => o.value === 'room_temp')`, undefined, { timeout: 10_000 });
    await page.selectOption('#metric', 'room_temp');
    await page.selectOption('#agg', 'max');
    await page.click('#picker button[type=submit]');
    await page.waitForFunction(`Number(document.getElementById('series-chart')?.dataset.points) >= 20`, undefined, { timeout: 10_000 });
    const before = Number(await page.getAttribute('#series-chart', 'data-points'));

    // a point posted now reaches the open page through the event stream, without a reload
    await post(svc.url, [{ name: 'room_temp', value: 31, timestamp: Date.now(), tags: { room: 'lab' } }]);
    await page.waitForFunction(`Number(document.getElementById('series-chart')?.dataset.points) > ${before}`, undefined, { timeout: 10_000 });
    expect(await page.locator('#series-chart canvas').count(), 'uPlot drew the chart on a canvas').toBeGreaterThan(0);
    expect(await page.locator('#series-chart .u-legend').innerText()).toContain('room=lab');
    expect(Number(await page.textContent('#ingest-rate'))).toBeGreaterThanOrEqual(0);
    expect(await page.textContent('#stored')).toMatch(/^1 · 31$/);

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});
