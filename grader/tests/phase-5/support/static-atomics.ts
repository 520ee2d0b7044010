import ts from 'typescript';

/**
 * A static look at the learner's ring source: the control words (HEAD, TAIL, REJECTED in the
 * `ctrl` Int32Array) must only be touched through Atomics. Returns one problem per line found.
 */
export interface StaticProblem {
  line: number;
  text: string;
  why: string;
}

const INDEX_WORDS = new Set(['HEAD', 'TAIL', 'REJECTED']);
const STORE_LIKE = new Set(['store', 'exchange', 'compareExchange', 'add', 'sub']);

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
    problems.push({ line, text: source.split('\n')[line - 1]!.trim(), why });
  };

  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.initializer && ts.isIdentifier(node.name) && isCtrl(node.initializer)) {
      aliases.add(node.name.text);
    }
    if (ts.isElementAccessExpression(node)) {
      const arg = node.argumentExpression;
      if (isCtrl(node.expression)) report(node, 'a control word indexed with [] instead of Atomics.load/Atomics.store');
      else if (ts.isIdentifier(arg) && INDEX_WORDS.has(arg.text)) report(node, `${arg.text} used as a plain array index`);
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
  if (!seen.storeTail) missing.push('Atomics.store(this.ctrl, TAIL, …) — the producer publishing a record');
  if (!seen.loadTail) missing.push('Atomics.load(this.ctrl, TAIL) — the consumer seeing what was published');
  if (!seen.storeHead) missing.push('Atomics.store(this.ctrl, HEAD, …) — the consumer freeing a slot');
  if (!seen.loadHead) missing.push('Atomics.load(this.ctrl, HEAD) — the producer seeing freed slots');
  return { problems, missing };
}
