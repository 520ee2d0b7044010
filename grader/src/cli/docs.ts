import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../harness/target.ts';
import { generatedDocs } from '../docs/generated.ts';
import { parseFlags } from './args.ts';

// `npm run docs`: regenerate what the registry states once (the learning path, starter/README.md, the lessons' headers).
parseFlags({ options: {} }, 'Usage: npm run docs   (regenerates docs/LEARNING_PATH.md, starter/README.md and the lessons\' headers from the phase registry)');
for (const { file, text } of generatedDocs()) {
  const abs = path.join(REPO_ROOT, file);
  let before = '';
  try {
    before = readFileSync(abs, 'utf8');
  } catch {
    // a new file
  }
  if (before === text) continue;
  writeFileSync(abs, text);
  console.log(`wrote ${file}`);
}
