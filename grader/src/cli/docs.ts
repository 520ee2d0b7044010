import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../harness/target.ts';
import { renderLearningPath } from '../docs/learning-path.ts';
import { parseFlags } from './args.ts';

// `npm run docs`: regenerate docs/LEARNING_PATH.md from the registry.
parseFlags({ options: {} }, 'Usage: npm run docs   (regenerates docs/LEARNING_PATH.md from the phase registry)');
writeFileSync(path.join(REPO_ROOT, 'docs/LEARNING_PATH.md'), renderLearningPath());
console.log('wrote docs/LEARNING_PATH.md');
