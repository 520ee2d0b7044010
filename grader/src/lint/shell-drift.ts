import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from '../harness/target.ts';
import { PHASES } from '../registry/index.ts';
import { solutionDir } from '../tree/materialize.ts';
import { parseHeader } from '../tree/levels.ts';

/**
 * Shell drift: a learner codes against starter/E, the grader's reference is solutions/phase-N/E.
 * If their exported APIs or docs differ, the learner implements something the tests do not ask for
 * (or reads a doc the reference contradicts). Bodies are not compared: the shell stubs them.
 */

/** One comparable fact of a module: an exported signature, or a doc comment. */
interface Entry {
  kind: 'api' | 'doc';
  /** `Class.member`, `Interface.field.sub`; '' for the file's leading comment. */
  path: string;
  text: string;
}

type Api = Map<string, Entry>;

const printer = ts.createPrinter({ removeComments: true });
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
const keyOf = (kind: Entry['kind'], p: string): string => `${kind}:${p}`;

function add(api: Api, kind: Entry['kind'], p: string, text: string): void {
  const prev = api.get(keyOf(kind, p));
  // Overloads and get/set pairs share a name: one entry, all signatures in source order.
  api.set(keyOf(kind, p), { kind, path: p, text: prev ? `${prev.text}; ${text}` : text });
}

function modifiers(node: ts.Node): readonly ts.ModifierLike[] {
  return ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : [];
}
const hasModifier = (node: ts.Node, kind: ts.SyntaxKind): boolean => modifiers(node).some((m) => m.kind === kind);

/** Modifiers a caller can see; `async`, `override`, `public` and `export` change nothing for one. */
const VISIBLE = new Set([
  ts.SyntaxKind.StaticKeyword,
  ts.SyntaxKind.AbstractKeyword,
  ts.SyntaxKind.ProtectedKeyword,
  ts.SyntaxKind.ReadonlyKeyword,
  ts.SyntaxKind.DefaultKeyword,
  ts.SyntaxKind.ConstKeyword,
  ts.SyntaxKind.DeclareKeyword,
]);
function prefix(node: ts.Node): string {
  return modifiers(node)
    .filter((m) => VISIBLE.has(m.kind))
    .map((m) => `${ts.tokenToString(m.kind)} `)
    .join('');
}

const isPrivate = (node: ts.Node & { name?: ts.Node }): boolean =>
  hasModifier(node, ts.SyntaxKind.PrivateKeyword) || (node.name !== undefined && ts.isPrivateIdentifier(node.name));

class Printer {
  constructor(readonly sf: ts.SourceFile) {}

  print(node: ts.Node): string {
    return squash(printer.printNode(ts.EmitHint.Unspecified, node, this.sf));
  }

  name(node: ts.Node | undefined): string {
    if (!node) return '(anonymous)';
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) return node.text;
    if (ts.isStringLiteral(node) || ts.isNumericLiteral(node)) return JSON.stringify(node.text);
    return this.print(node);
  }

  /** A parameter as a caller sees it: modifiers of a parameter property are reported on the member. */
  param(p: ts.ParameterDeclaration): string {
    const rest = p.dotDotDotToken ? '...' : '';
    const optional = p.questionToken ? '?' : '';
    const type = p.type ? `: ${this.print(p.type)}` : '';
    const init = p.initializer ? ` = ${this.print(p.initializer)}` : '';
    return `${rest}${this.print(p.name)}${optional}${type}${init}`;
  }

  signature(node: ts.SignatureDeclarationBase): string {
    const tps = node.typeParameters ? `<${node.typeParameters.map((t) => this.print(t)).join(', ')}>` : '';
    const ret = node.type ? `: ${this.print(node.type)}` : '';
    return `${tps}(${node.parameters.map((p) => this.param(p)).join(', ')})${ret}`;
  }

  /**
   * What a value's declaration promises: its declared type; without one, a function's signature or a
   * literal (which is the type of a const). Other initialisers would need a type checker.
   */
  valueType(type: ts.TypeNode | undefined, init: ts.Expression | undefined): string {
    if (type) return `: ${this.print(type)}`;
    if (!init) return '';
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return ` = ${this.signature(init)}`;
    const literal =
      ts.isLiteralExpression(init) ||
      init.kind === ts.SyntaxKind.TrueKeyword ||
      init.kind === ts.SyntaxKind.FalseKeyword ||
      init.kind === ts.SyntaxKind.NullKeyword ||
      (ts.isPrefixUnaryExpression(init) && ts.isNumericLiteral(init.operand)) ||
      (ts.isAsExpression(init) && ts.isTypeReferenceNode(init.type) && init.type.typeName.getText(this.sf) === 'const');
    return literal ? ` = ${this.print(init)}` : '';
  }

  typeParams(node: { typeParameters?: ts.NodeArray<ts.TypeParameterDeclaration> }): string {
    return node.typeParameters ? `<${node.typeParameters.map((t) => this.print(t)).join(', ')}>` : '';
  }

  heritage(node: ts.ClassLikeDeclaration | ts.InterfaceDeclaration): string {
    return (node.heritageClauses ?? []).map((h) => ` ${this.print(h)}`).join('');
  }
}

/** A JSDoc's words: delimiters and the leading `*` of each line dropped, so re-wrapping is no drift. */
function docText(raw: string): string {
  const inner = raw.replace(/^\/\*\*/, '').replace(/\*\/$/, '');
  return squash(
    inner
      .split('\n')
      .map((line) => line.replace(/^\s*\*(?!\/)/, ''))
      .join('\n'),
  );
}

/** The JSDoc comments right before `node` (line comments such as a shell's TODO notes are not docs). */
function docOf(sf: ts.SourceFile, node: ts.Node, skip: ReadonlySet<number>): string | undefined {
  const docs = (ts.getLeadingCommentRanges(sf.text, node.getFullStart()) ?? [])
    .filter((r) => r.kind === ts.SyntaxKind.MultiLineCommentTrivia && /^\/\*\*[^/]/.test(sf.text.slice(r.pos, r.pos + 4)))
    .filter((r) => !skip.has(r.pos))
    .map((r) => docText(sf.text.slice(r.pos, r.end)));
  return docs.length > 0 ? docs.join(' ') : undefined;
}

function isExported(st: ts.Statement, local: ReadonlySet<string>): boolean {
  if (hasModifier(st, ts.SyntaxKind.ExportKeyword)) return true;
  if (ts.isVariableStatement(st)) return st.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && local.has(d.name.text));
  const name = (st as ts.Statement & { name?: ts.Node }).name;
  return name !== undefined && ts.isIdentifier(name) && local.has(name.text);
}

/**
 * The file's leading comment: the first comment before the first export, when it is a header — a
 * blank line after it, or glued to an import (imports are not compared, so a shell may add its own
 * `import { todo }` before or after it). A comment glued to a declaration is that declaration's doc
 * instead; TODO notes belong to the stubs. Consecutive `//` lines are one comment.
 */
function leadingComment(sf: ts.SourceFile, local: ReadonlySet<string>): { pos: number; text: string } | undefined {
  const firstExport = sf.statements.findIndex((st) => isExported(st, local) || ts.isExportDeclaration(st) || ts.isExportAssignment(st));
  const before: ts.Node[] = firstExport === -1 ? [...sf.statements, sf.endOfFileToken] : sf.statements.slice(0, firstExport + 1);
  const ranges = before.flatMap((owner) => (ts.getLeadingCommentRanges(sf.text, owner.getFullStart()) ?? []).map((r) => ({ ...r, owner })));
  for (let i = 0; i < ranges.length; ) {
    // The level header (first line) is compared on its own: see lintShells.
    if (ranges[i]!.pos === 0 && parseHeader(sf.text)) {
      i++;
      continue;
    }
    let end = i + 1;
    // Group a run of `//` lines (no blank line between them) into one comment.
    while (
      ranges[i]!.kind === ts.SyntaxKind.SingleLineCommentTrivia &&
      end < ranges.length &&
      ranges[end]!.kind === ts.SyntaxKind.SingleLineCommentTrivia &&
      /^[ \t]*\r?\n[ \t]*$/.test(sf.text.slice(ranges[end - 1]!.end, ranges[end]!.pos))
    )
      end++;
    const first = ranges[i]!;
    const last = ranges[end - 1]!;
    const raw = sf.text.slice(first.pos, last.end);
    i = end;
    if (raw.includes('TODO(phase-')) continue;
    const detached = /^[ \t]*\r?\n[ \t]*\r?\n/.test(sf.text.slice(last.end)) || last.owner.kind === ts.SyntaxKind.EndOfFileToken;
    if (!detached && !ts.isImportDeclaration(last.owner)) return undefined;
    const text = raw.startsWith('/**')
      ? docText(raw)
      : squash(raw.replace(/^[ \t]*\/\/ ?/gm, '').replace(/^\/\*|\*\/$/g, ''));
    return { pos: first.pos, text };
  }
  return undefined;
}

/** Docs of type members (also nested type literals), as `Owner.field.sub`. */
function typeMemberDocs(api: Api, pr: Printer, owner: string, node: ts.Node, skip: ReadonlySet<number>): void {
  node.forEachChild(function visit(child): void {
    if (ts.isTypeElement(child) || ts.isEnumMember(child)) {
      const p = `${owner}.${pr.name(child.name)}`;
      const doc = docOf(pr.sf, child, skip);
      if (doc !== undefined) add(api, 'doc', p, doc);
      typeMemberDocs(api, pr, p, child, skip);
      return;
    }
    child.forEachChild(visit);
  });
}

function classMembers(api: Api, pr: Printer, owner: string, node: ts.ClassLikeDeclaration, skip: ReadonlySet<number>): void {
  const doc = (p: string, n: ts.Node): void => {
    const d = docOf(pr.sf, n, skip);
    if (d !== undefined) add(api, 'doc', p, d);
  };
  for (const m of node.members) {
    if (ts.isClassStaticBlockDeclaration(m) || ts.isSemicolonClassElement(m) || isPrivate(m)) continue;
    if (ts.isConstructorDeclaration(m)) {
      add(api, 'api', `${owner}.constructor`, pr.signature(m));
      doc(`${owner}.constructor`, m);
      for (const p of m.parameters) {
        if (!ts.isParameterPropertyDeclaration(p, m) || isPrivate(p)) continue;
        const p2 = `${owner}.${pr.name(p.name)}`;
        add(api, 'api', p2, `${prefix(p)}${pr.print(p.name)}${p.questionToken ? '?' : ''}${p.type ? `: ${pr.print(p.type)}` : ''}`);
        doc(p2, p);
      }
      continue;
    }
    const p = `${owner}.${pr.name(m.name)}`;
    const q = (ts.isMethodDeclaration(m) || ts.isPropertyDeclaration(m)) && m.questionToken ? '?' : '';
    if (ts.isMethodDeclaration(m)) add(api, 'api', p, `${prefix(m)}${q}${pr.signature(m)}`);
    else if (ts.isGetAccessorDeclaration(m)) add(api, 'api', p, `${prefix(m)}get${pr.signature(m)}`);
    else if (ts.isSetAccessorDeclaration(m)) add(api, 'api', p, `${prefix(m)}set${pr.signature(m)}`);
    else if (ts.isPropertyDeclaration(m)) add(api, 'api', p, `${prefix(m)}${pr.name(m.name)}${q}${pr.valueType(m.type, m.initializer)}`);
    else add(api, 'api', p, pr.print(m)); // index signatures and the like have no body to drop
    doc(p, m);
  }
}

/** Every exported declaration of a module, its members and their docs; bodies, privates and imports left out. */
function exportedApi(fileName: string, text: string): Api {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const pr = new Printer(sf);
  const api: Api = new Map();
  // `function f() {}; export { f as g }` exports f too.
  const local = new Set<string>();
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st) && !st.moduleSpecifier && st.exportClause && ts.isNamedExports(st.exportClause))
      for (const e of st.exportClause.elements) local.add((e.propertyName ?? e.name).text);
  }
  const skip = new Set<number>();
  const head = leadingComment(sf, local);
  if (head) {
    add(api, 'doc', '', head.text);
    skip.add(head.pos); // a header is not also the doc of the declaration after it
  }
  const doc = (p: string, n: ts.Node): void => {
    const d = docOf(sf, n, skip);
    if (d !== undefined) add(api, 'doc', p, d);
  };

  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st)) {
      const from = st.moduleSpecifier ? ` from ${pr.print(st.moduleSpecifier)}` : '';
      const type = st.isTypeOnly ? 'type ' : '';
      if (!st.exportClause) add(api, 'api', `* from ${pr.print(st.moduleSpecifier!)}`, `export ${type}*${from}`);
      else if (ts.isNamespaceExport(st.exportClause)) add(api, 'api', st.exportClause.name.text, `export ${type}* as ${st.exportClause.name.text}${from}`);
      else
        for (const e of st.exportClause.elements) {
          const orig = e.propertyName ? `${pr.name(e.propertyName)} as ` : '';
          add(api, 'api', e.name.text, `export ${type || (e.isTypeOnly ? 'type ' : '')}{ ${orig}${e.name.text} }${from}`);
        }
      continue;
    }
    if (ts.isExportAssignment(st)) {
      add(api, 'api', 'default', `export ${st.isExportEquals ? '=' : 'default'} ${pr.print(st.expression)}`);
      doc('default', st);
      continue;
    }
    if (ts.isImportDeclaration(st) || ts.isImportEqualsDeclaration(st) || !isExported(st, local)) continue;

    if (ts.isFunctionDeclaration(st)) {
      const name = st.name?.text ?? 'default';
      add(api, 'api', name, `${prefix(st)}${pr.signature(st)}`);
      doc(name, st);
    } else if (ts.isClassDeclaration(st)) {
      const name = st.name?.text ?? 'default';
      add(api, 'api', name, `${prefix(st)}class${pr.typeParams(st)}${pr.heritage(st)}`);
      doc(name, st);
      classMembers(api, pr, name, st, skip);
    } else if (ts.isInterfaceDeclaration(st)) {
      const name = st.name.text;
      add(api, 'api', name, `interface${pr.typeParams(st)}${pr.heritage(st)}`);
      doc(name, st);
      for (const m of st.members) add(api, 'api', `${name}.${pr.name(m.name)}`, pr.print(m).replace(/[;,]$/, ''));
      typeMemberDocs(api, pr, name, st, skip);
    } else if (ts.isTypeAliasDeclaration(st)) {
      const name = st.name.text;
      add(api, 'api', name, `type${pr.typeParams(st)} = ${pr.print(st.type)}`);
      doc(name, st);
      typeMemberDocs(api, pr, name, st.type, skip);
    } else if (ts.isEnumDeclaration(st)) {
      const name = st.name.text;
      add(api, 'api', name, `${prefix(st)}enum`);
      doc(name, st);
      for (const m of st.members) add(api, 'api', `${name}.${pr.name(m.name)}`, pr.print(m));
      typeMemberDocs(api, pr, name, st, skip);
    } else if (ts.isVariableStatement(st)) {
      const keyword = st.declarationList.flags & ts.NodeFlags.Const ? 'const' : st.declarationList.flags & ts.NodeFlags.Let ? 'let' : 'var';
      st.declarationList.declarations.forEach((d, i) => {
        const name = pr.print(d.name);
        add(api, 'api', name, `${keyword}${pr.valueType(d.type, d.initializer)}`);
        if (i === 0) doc(name, st); // the statement's doc belongs to its first declaration
      });
    } else {
      // Namespaces and other rare exports: compared whole, comments aside.
      const name = pr.name((st as ts.Statement & { name?: ts.Node }).name);
      add(api, 'api', name, pr.print(st));
      doc(name, st);
    }
  }
  return api;
}

const show = (e: Entry | undefined): string => (e ? `"${e.text}"` : '(none)');
const label = (e: Entry): string =>
  e.kind === 'api' ? e.path : e.path === '' ? "the file's leading comment" : `the doc comment of ${e.path}`;

/** Problems between one shell and its solution, in the solution's order, then what only the shell has. */
function compareModules(phaseId: number, exercise: string, shellText: string, solutionText: string): string[] {
  const shellFile = `starter/${exercise}`;
  const solutionFile = `${solutionDir(phaseId)}/${exercise}`;
  const shell = exportedApi(shellFile, shellText);
  const solution = exportedApi(solutionFile, solutionText);
  const keys = [...new Set([...solution.keys(), ...shell.keys()])];
  // A declaration missing on one side is one problem: its members and docs are not listed again.
  const missing = keys
    .map((k) => shell.get(k) ?? solution.get(k)!)
    .filter((e) => e.kind === 'api' && (!shell.has(keyOf('api', e.path)) || !solution.has(keyOf('api', e.path))))
    .map((e) => e.path);
  const under = (p: string, m: string): boolean => p === m || p.startsWith(`${m}.`);
  const problems: string[] = [];
  for (const k of keys) {
    const a = shell.get(k);
    const b = solution.get(k);
    const e = (a ?? b)!;
    if (a && b && a.text === b.text) continue;
    if (missing.some((m) => under(e.path, m) && !(e.kind === 'api' && e.path === m))) continue;
    problems.push(
      `phase ${phaseId}: ${shellFile} and ${solutionFile} disagree on ${label(e)}: shell ${show(a)} vs solution ${show(b)}` +
        ` — a shell must offer exactly the solution's API; change the shell (or the solution) so they match`,
    );
  }
  return problems;
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((d) => {
    const p = rel ? `${rel}/${d.name}` : d.name;
    return d.isDirectory() ? filesUnder(dir, p) : [p];
  });
}

/**
 * Shells and solutions agree: every exercise's starter/ shell offers exactly its solution's exported
 * API and docs, and solutions/phase-N/ holds phase N's exercises and nothing else. Empty = fine.
 */
export function lintShells(root: string = REPO_ROOT): string[] {
  const problems: string[] = [];
  const solutionsRoot = path.join(root, 'solutions');
  const phaseDirs = new Set(PHASES.map((p) => path.basename(solutionDir(p.id))));
  if (existsSync(solutionsRoot)) {
    for (const d of readdirSync(solutionsRoot)) {
      if (!phaseDirs.has(d)) problems.push(`solutions/${d} belongs to no phase of the registry: delete it, or register its phase in grader/src/registry/`);
    }
  }
  for (const phase of PHASES) {
    const dir = solutionDir(phase.id);
    const exercises = new Set(phase.exercises);
    if (existsSync(path.join(root, dir))) {
      for (const f of filesUnder(path.join(root, dir))) {
        if (!exercises.has(f))
          problems.push(
            `${dir}/${f} is not an exercise of phase ${phase.id} (${phase.exercises.join(', ') || 'none'}): delete it or add it to the registry`,
          );
      }
    }
    for (const ex of phase.exercises) {
      const shell = path.join(root, 'starter', ex);
      const solution = path.join(root, dir, ex);
      const hasShell = existsSync(shell);
      const hasSolution = existsSync(solution);
      if (!hasSolution)
        problems.push(`phase ${phase.id}: ${dir}/${ex} is missing — every exercise needs its reference; write it, or remove ${ex} from the phase's exercises`);
      if (!hasShell)
        problems.push(`phase ${phase.id}: starter/${ex} is missing — write the shell (the solution with todo(${phase.id}, …) bodies), or remove ${ex} from the phase's exercises`);
      if (!hasShell || !hasSolution) continue;
      const [shellText, solutionText] = [readFileSync(shell, 'utf8'), readFileSync(solution, 'utf8')];
      const firstLine = (t: string) => t.slice(0, t.indexOf('\n'));
      if (firstLine(shellText) !== firstLine(solutionText))
        problems.push(`phase ${phase.id}: starter/${ex} and ${dir}/${ex} start with different level headers ("${firstLine(shellText)}" vs "${firstLine(solutionText)}"): the same file at two stages has one level`);
      problems.push(...compareModules(phase.id, ex, shellText, solutionText));
    }
  }
  return problems;
}
