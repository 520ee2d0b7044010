import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { REPO_ROOT } from '../src/harness/target.ts';
import { typecheckStarter } from '../src/run/typecheck.ts';

const tree = mkdtempSync(path.join(os.tmpdir(), 'ms-typecheck-'));
afterAll(() => rmSync(tree, { recursive: true, force: true }));

test('a TypeScript error names its file:line once: as the failure’s test, not again in its message', () => {
  mkdirSync(path.join(tree, 'starter/src'), { recursive: true });
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(tree, 'node_modules'));
  writeFileSync(path.join(tree, 'starter/src/bad.ts'), 'export const ok = 1;\nexport const n: number = "x";\n');
  const errors = typecheckStarter(tree);
  expect(errors).toEqual([{ test: 'starter/src/bad.ts:2:14', message: "error TS2322: Type 'string' is not assignable to type 'number'." }]);
});
