import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exitOnSignal, peerFlags } from './peer-kit.ts';

/**
 * Not a contender: the ceiling. A `node:http` server that reads each body and answers 200 without
 * parsing or storing anything, so what it reaches under a workload is what the load generator and
 * Node's HTTP layer allow on this machine, before any server does any work (bench/ceiling.ts).
 *   npx tsx bench/peers/answer-only.ts --tree <any dir> --port 8082
 */
const flags = peerFlags(process.argv.slice(2));
const answer = Buffer.from('{"accepted":0}');

const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
    res.end(answer);
  });
});
server.keepAliveTimeout = 65_000;

server.listen(flags.port, flags.host, () => {
  const { address, port } = server.address() as AddressInfo;
  console.log(`answer-only server listening on http://${address}:${port}`);
});
exitOnSignal(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }),
);
