// Level 1 · provided: read it, don't change it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/**
 * Start a Worker whose entry is a TypeScript file.
 *
 * Node does not carry a TypeScript loader (tsx) from the main thread into worker threads. Two ways in:
 * - precompiled: the entry and everything it imports are bundled once per process into one ES
 *   module (esbuild, packages left external) and the Worker starts from it. Start-up is that of a
 *   plain JavaScript worker (tens of ms).
 * - loader: a tiny eval bootstrap registers tsx in the worker, then imports the entry. It costs
 *   a few hundred ms per worker, but works for any code — it is used when the entry's code loads
 *   modules by computed name (`import(x)`) or uses `import.meta`, which a bundle would break.
 * A `.js`/`.mjs` entry starts directly. This is the only place the project deals with that detail.
 */
export function createWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const bundle = precompiled(entry);
  if (bundle) return startBundle(bundle, options);
  const tsxApi = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * A worker inherits its parent's `execArgv`. Under tsx that includes tsx's own loader, which every
 * new thread would then load and register before running a single line (~60 ms of a ~90 ms start
 * on our machine). A bundle is plain JavaScript: start it without the loader. Node refuses an
 * explicit `execArgv` holding process-wide flags (`--max-old-space-size`…) that it would quietly
 * inherit, so in that case the worker inherits everything, loader included: slower, never broken.
 */
let explicitArgvRefused = false;
/** Computed once: phase 1 starts a worker per request. */
let bundleArgv: string[] | undefined;

function startBundle(bundle: URL, options: WorkerOptions): Worker {
  const execArgv = (bundleArgv ??= withoutTsLoader(process.execArgv));
  if (options.execArgv || explicitArgvRefused || execArgv.length === process.execArgv.length) return new Worker(bundle, options);
  try {
    return new Worker(bundle, { ...options, execArgv });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw err;
    explicitArgvRefused = true;
    return new Worker(bundle, options);
  }
}

/** The parent's flags minus the ones that preload tsx. */
function withoutTsLoader(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (!PRELOAD_FLAGS.has(flag)) out.push(arg);
    else if (inline !== undefined) {
      if (!isTsx(inline)) out.push(arg);
    } else if (!isTsx(argv[i + 1] ?? '')) out.push(arg);
    else i++; // drop the flag and its value
  }
  return out;
}

const PRELOAD_FLAGS = new Set(['--require', '-r', '--import', '--loader', '--experimental-loader']);

/** `tsx`, `tsx/esm`, or a path/URL inside tsx's package. */
function isTsx(spec: string): boolean {
  return spec === 'tsx' || spec.startsWith('tsx/') || /[\\/]node_modules[\\/]tsx[\\/]/.test(spec);
}

/** Bundles made by this process, by entry URL (undefined: this entry needs the loader). */
const bundles = new Map<string, URL | undefined>();

function precompiled(entry: URL): URL | undefined {
  if (bundles.has(entry.href)) return bundles.get(entry.href);
  let url: URL | undefined;
  try {
    const code = bundleWithEsbuild(fileURLToPath(entry));
    const needsLoader = /\bimport\s*\(/.test(code) || /\bimport\.meta\b/.test(code);
    url = needsLoader ? undefined : writeBundle(code);
  } catch {
    url = undefined; // code esbuild cannot bundle: the loader reports the error from inside the worker
  }
  bundles.set(entry.href, url);
  return url;
}

/**
 * Bundle with esbuild's command-line binary rather than its JS API: the API's synchronous calls keep
 * a helper thread alive for the rest of the process, which would look like a leaked worker to anyone
 * counting threads (and the phase 1 grader does).
 */
function bundleWithEsbuild(file: string): string {
  const bin = require.resolve('esbuild/bin/esbuild');
  const args = [file, '--bundle', '--format=esm', '--platform=node', '--target=node20', '--packages=external', '--sourcemap=inline', '--keep-names', '--log-level=error'];
  // Where the install step did not put the native binary in place, bin/esbuild is a Node script.
  const head = Buffer.alloc(2);
  const fd = openSync(bin, 'r');
  readSync(fd, head, 0, 2, 0);
  closeSync(fd);
  const script = head.toString('latin1') === '#!';
  return execFileSync(script ? process.execPath : bin, script ? [bin, ...args] : args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/**
 * Bundles live in node_modules/.cache so that the packages they import resolve as from the project;
 * named by content, so trees and edits never collide.
 */
function writeBundle(code: string): URL {
  const dir = path.join(path.dirname(require.resolve('esbuild/package.json')), '..', '.cache', 'metricstream-workers');
  const file = path.join(dir, `${createHash('sha256').update(code).digest('hex').slice(0, 20)}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, code);
  }
  return pathToFileURL(file);
}
