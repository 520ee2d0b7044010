import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BatchedAppender, badRequest, clientOf, exitOnSignal, loadValidation, peerFlags } from './peer-kit.ts';

/**
 * Peer 1: a plain `node:http` ingest server. POST /metrics -> read body -> JSON.parse ->
 * MetricStream's validation -> batched append -> 200 {"accepted":N} (with `?ack=durable`, after the
 * group commit's fsync, as MetricStream does). Keep-alive is Node's default.
 *   npx tsx bench/peers/plain-node.ts --tree <built tree> --port 8081 --data-file /tmp/peer.jsonl
 */
const flags = peerFlags(process.argv.slice(2));
const validate = await loadValidation(flags.tree);
const appender = await BatchedAppender.open(flags.dataFile);

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const durable = req.url === '/metrics?ack=durable';
  if ((req.url !== '/metrics' && !durable) || req.method !== 'POST') {
    req.resume();
    return send(res, 404, { error: 'not_found' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= flags.maxBodyBytes) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > flags.maxBodyBytes) return send(res, 413, { error: 'payload_too_large' });
    let metrics;
    try {
      metrics = validate(JSON.parse(Buffer.concat(chunks, size).toString('utf8')), { client: clientOf(req.headers), now: Date.now() });
    } catch (err) {
      const { status, body } = badRequest(err);
      return send(res, status, body);
    }
    appender.append(metrics);
    if (!durable) return send(res, 200, { accepted: metrics.length });
    appender.synced().then(
      () => send(res, 200, { accepted: metrics.length, durable: true }),
      () => send(res, 503, { error: 'storage_unavailable' }),
    );
  });
});
server.keepAliveTimeout = 65_000;

server.listen(flags.port, flags.host, () => {
  const { address, port } = server.address() as AddressInfo;
  console.log(`plain-node peer listening on http://${address}:${port}`);
});
exitOnSignal(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  await appender.close();
});
