import { Worker, type WorkerOptions } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/**
 * Start a Worker whose entry is a TypeScript file.
 *
 * Node does not carry a TypeScript loader (tsx) from the main thread into worker threads, so
 * a `.ts` entry is started through a tiny eval bootstrap that registers tsx first. A `.js`/`.mjs`
 * entry starts directly. This is the only place the project deals with that detail.
 */
export function createWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const tsxApi = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
