// Level 7 · provided: read it, don't change it.
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** URL path -> file and type. The chart library is served from node_modules, as installed. */
const FILES: Record<string, { file: () => string; type: string }> = {
  '/': { file: () => path.join(here, 'public/index.html'), type: 'text/html; charset=utf-8' },
  '/favicon.ico': { file: () => path.join(here, 'public/favicon.svg'), type: 'image/svg+xml' },
  '/dashboard.js': { file: () => path.join(here, 'public/dashboard.js'), type: 'text/javascript; charset=utf-8' },
  '/dashboard.css': { file: () => path.join(here, 'public/dashboard.css'), type: 'text/css; charset=utf-8' },
  '/vendor/uplot.js': { file: () => require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/vendor/uplot.css': { file: () => require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

export const isStaticPath = (p: string): boolean => Object.hasOwn(FILES, p);

/** Answer a GET for one of the dashboard's files (read on each request: they are small, and edits show at once). */
export function serveStatic(pathname: string, res: ServerResponse): void {
  const entry = FILES[pathname]!;
  const body = readFileSync(entry.file());
  res.writeHead(200, { 'content-type': entry.type, 'content-length': body.length, 'cache-control': 'no-cache' });
  res.end(body);
}
