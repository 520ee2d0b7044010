import { findPhase } from '../registry/index.ts';
import { materialize, type Variant } from '../tree/materialize.ts';
import { parseFlags } from './args.ts';

// Maintainer tool: `npm run tree -- --phase 3 --variant stub` prints the path of a fresh tree.
const USAGE = `Usage: npm run tree -- --phase N [--variant solution|stub|mutant:NAME]
  Builds a gradable tree of phase N (default variant: solution) and prints its path.`;

const { values } = parseFlags({ options: { phase: { type: 'string' }, variant: { type: 'string', default: 'solution' } } }, USAGE);
const phase = findPhase(Number(values.phase));
if (!phase) {
  console.error(`unknown phase ${values.phase}`);
  process.exit(2);
}
const v = values.variant!;
const variant: Variant = v.startsWith('mutant:') ? { kind: 'mutant', name: v.slice(7) } : v === 'stub' ? { kind: 'stub' } : { kind: 'solution' };
console.log(materialize(phase, variant));
