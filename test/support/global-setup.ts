import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { materializeReference } from '../../grader/src/tree/materialize.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    referenceTree: string;
  }
}

/** Build the finished service once (starter + every phase's solution) for every test file. */
export default function setup(project: TestProject): () => void {
  const tree = materializeReference();
  project.provide('referenceTree', tree);
  return () => rmSync(tree, { recursive: true, force: true });
}
