import path from 'node:path';
import { readFileSync } from 'node:fs';
import { REPO_ROOT } from '../harness/target.ts';
import { PHASES } from '../registry/index.ts';
import { starterFilesOn } from '../tree/levels.ts';
import { renderLearningPath } from './learning-path.ts';
import { withLessonHeader } from './lesson-header.ts';
import { renderStarterReadme } from './starter-readme.ts';

/** Every file `npm run docs` writes, with its content as the registry and the tree say it must be. */
export function generatedDocs(root = REPO_ROOT): { file: string; text: string }[] {
  const lessons = PHASES.filter((p) => p.checks.length > 0).map((p) => ({
    file: p.lesson,
    text: withLessonHeader(readFileSync(path.join(root, p.lesson), 'utf8'), p),
  }));
  return [
    { file: 'docs/LEARNING_PATH.md', text: renderLearningPath() },
    { file: 'starter/README.md', text: renderStarterReadme(starterFilesOn(path.join(root, 'starter'))) },
    ...lessons,
  ];
}
