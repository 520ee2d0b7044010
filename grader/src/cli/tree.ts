import { parseArgs } from 'node:util';
import { findPhase } from '../registry/index.ts';
import { materialize, type Variant } from '../tree/materialize.ts';

// Maintainer tool: `npm run tree -- --phase 3 --variant stub` prints the path of a fresh tree.
const { values } = parseArgs({ options: { phase: { type: 'string' }, variant: { type: 'string', default: 'solution' } } });
const phase = findPhase(Number(values.phase));
if (!phase) {
  console.error(`unknown phase ${values.phase}`);
  process.exit(2);
}
const v = values.variant!;
const variant: Variant = v.startsWith('mutant:') ? { kind: 'mutant', name: v.slice(7) } : v === 'stub' ? { kind: 'stub' } : { kind: 'solution' };
console.log(materialize(phase, variant));
