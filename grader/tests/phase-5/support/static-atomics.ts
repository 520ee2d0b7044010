import path from 'node:path';
import ts from 'typescript';
import { RING_FILE } from './ring-api.ts';

/**
 * A static look at the learner's ring source: the control words (HEAD, TAIL, REJECTED in the
 * `ctrl` Int32Array) must only be touched through Atomics. Returns one problem per line found.
 */
export interface StaticProblem {
  line: number;
  /** The offending source line, trimmed. */
  text: string;
  /** What is wrong, phrased to follow "spsc-ring.ts:LINE", e.g. "writes TAIL without Atomics.store". */
  why: string;
}

const INDEX_WORDS = new Set(['HEAD', 'TAIL', 'REJECTED']);
const STORE_LIKE = new Set(['store', 'exchange', 'compareExchange', 'add', 'sub']);

/** `x[i] = v`, `x[i] += v`, `x[i]++`: the element access is written, not only read. */
function isWritten(node: ts.Expression): boolean {
  const parent = node.parent;
  if (ts.isBinaryExpression(parent) && parent.left === node) {
    const op = parent.operatorToken.kind;
    return op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment;
  }
  if (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) {
    return parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken;
  }
  return false;
}

export function findPlainIndexAccess(source: string, fileName: string): { problems: StaticProblem[]; missing: string[] } {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const problems: StaticProblem[] = [];
  const aliases = new Set<string>();
  const seen = { loadHead: false, loadTail: false, storeHead: false, storeTail: false };

  const isCtrl = (e: ts.Expression): boolean => {
    const text = e.getText(sf);
    return /(^|\.)ctrl$/.test(text) || aliases.has(text);
  };
  const report = (node: ts.Node, why: string): void => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    // One problem per line: `this.ctrl[TAIL] = this.ctrl[TAIL] + 1` is one mistake to fix, not two.
    if (problems.some((p) => p.line === line)) return;
    problems.push({ line, text: source.split('\n')[line - 1]!.trim(), why });
  };

  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.initializer && ts.isIdentifier(node.name) && isCtrl(node.initializer)) {
      aliases.add(node.name.text);
    }
    if (ts.isElementAccessExpression(node)) {
      const word = node.argumentExpression.getText(sf);
      if (isCtrl(node.expression)) {
        report(node, isWritten(node) ? `writes ${word} without Atomics.store` : `reads ${word} without Atomics.load`);
      } else if (ts.isIdentifier(node.argumentExpression) && INDEX_WORDS.has(word)) {
        report(node, `uses ${word} as a plain [] index, not through Atomics`);
      }
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.expression.getText(sf) === 'Atomics') {
      const op = node.expression.name.text;
      const word = node.arguments[1]?.getText(sf);
      if (op === 'load' && word === 'HEAD') seen.loadHead = true;
      if (op === 'load' && word === 'TAIL') seen.loadTail = true;
      if (STORE_LIKE.has(op) && word === 'HEAD') seen.storeHead = true;
      if (STORE_LIKE.has(op) && word === 'TAIL') seen.storeTail = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);

  const missing: string[] = [];
  if (!seen.storeTail) missing.push('Atomics.store(this.ctrl, TAIL, …) to publish a record');
  if (!seen.loadTail) missing.push('Atomics.load(this.ctrl, TAIL) to see what was published');
  if (!seen.storeHead) missing.push('Atomics.store(this.ctrl, HEAD, …) to free a slot');
  if (!seen.loadHead) missing.push('Atomics.load(this.ctrl, HEAD) to see freed slots');
  return { problems, missing };
}

// The failure messages. The grader caps a failure at 500 characters (cap() in
// grader/src/report/model.ts), so they are built to fit whole: a location and the source on the
// first line, a bounded list, and a why short enough to survive.

const FILE = path.basename(RING_FILE);
/** Problems quoted in full; the rest are listed by line number. */
const SHOWN = 2;
/** Line numbers listed after the quoted problems. */
const LISTED = 6;
/** Longest source excerpt quoted: a long learner line must not push the why out of the report. */
const EXCERPT = 50;

/** Contains "cannot catch this on x86-64": the plain-index mutant's expected words (registry/phase-5.ts). */
export const WHY =
  'Why: a plain access to a shared index is a data race. The stress tests cannot catch this on ' +
  'x86-64, which keeps stores in order; ARM (Apple silicon, Graviton) reorders them and the ring ' +
  'loses records.';

const excerpt = (text: string): string => (text.length <= EXCERPT ? text : `${text.slice(0, EXCERPT - 1)}…`);

export function problemsMessage(problems: readonly StaticProblem[]): string {
  const shown = problems.slice(0, SHOWN).map((p) => `${FILE}:${p.line} ${p.why}: ${excerpt(p.text)}`);
  const rest = problems.slice(SHOWN).map((p) => p.line);
  if (rest.length > 0) {
    const lines = rest.slice(0, LISTED).join(', ') + (rest.length > LISTED ? ', …' : '');
    shown.push(`… and ${rest.length} more: ${rest.length === 1 ? 'line' : 'lines'} ${lines}`);
  }
  return `${shown.join('\n')}\n${WHY}`;
}

export function missingMessage(missing: readonly string[]): string {
  return `${FILE} does not share its indices through Atomics; not found:\n${missing.map((m) => `  ${m}`).join('\n')}\n${WHY}`;
}
