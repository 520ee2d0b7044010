import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { cap, type TestFailure } from '../report/model.ts';

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2023.d.ts'],
  types: ['node'],
  strict: true,
  allowImportingTsExtensions: true,
  noEmit: true,
  skipLibCheck: true,
  resolveJsonModule: true,
};

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * Type-check the learner's service (strict TypeScript, as the course promises) and return its errors:
 * `test` is the location (`file:line:col`, relative to the tree), `message` the compiler's words
 * without it, since the report prints both. Only errors inside starter/ are the learner's.
 */
export function typecheckStarter(target: string): TestFailure[] {
  const starter = path.join(target, 'starter');
  const program = ts.createProgram(tsFiles(path.join(starter, 'src')), { ...OPTIONS, typeRoots: [path.join(target, 'node_modules/@types')] });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error && (!d.file || d.file.fileName.startsWith(starter)))
    .map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return { test: 'TypeScript', message: cap(text) };
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      const where = `${path.relative(target, d.file.fileName)}:${line + 1}:${character + 1}`;
      return { test: where, message: cap(`error TS${d.code}: ${text}`) };
    });
}
