import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';
import { REPO_ROOT } from '../src/harness/target.ts';
import { loadConfig } from '../../starter/src/config.ts';
import { MANIFEST_FILE, segmentFileName } from '../../starter/src/storage/segments/manifest.ts';
import { segmentDir } from '../../starter/src/storage/segments/segment-store.ts';

// `npm start` (no flags) writes its log and segments into the checkout: they must not show in `git status`.
test('the data files the service writes by default are git-ignored', async () => {
  const { dataFile } = await loadConfig([], {});
  const files = [dataFile, path.join(segmentDir(dataFile), MANIFEST_FILE), path.join(segmentDir(dataFile), segmentFileName(0, 1))];
  const r = spawnSync('git', ['check-ignore', '--no-index', ...files], { cwd: REPO_ROOT, encoding: 'utf8' });
  expect(r.stdout.trim().split('\n')).toEqual(files);
});
