import Fastify from 'fastify';
import { BatchedAppender, badRequest, clientOf, exitOnSignal, loadValidation, peerFlags } from './peer-kit.ts';

/**
 * Peer 2: the same ingest server on Fastify, as its documentation suggests writing it: a route
 * with Fastify's own JSON body parser (secure-json-parse over the body), no logger, keep-alive;
 * `?ack=durable` answers after the group commit's fsync, as MetricStream does.
 *   npx tsx bench/peers/fastify.ts --tree <built tree> --port 8082 --data-file /tmp/peer.jsonl
 */
const flags = peerFlags(process.argv.slice(2));
const validate = await loadValidation(flags.tree);
const appender = await BatchedAppender.open(flags.dataFile);

const app = Fastify({ logger: false, bodyLimit: flags.maxBodyBytes, keepAliveTimeout: 65_000 });

app.post('/metrics', async (req, reply) => {
  try {
    const metrics = validate(req.body, { client: clientOf(req.headers), now: Date.now() });
    appender.append(metrics);
    if ((req.query as { ack?: string }).ack !== 'durable') return { accepted: metrics.length };
    await appender.synced();
    return { accepted: metrics.length, durable: true };
  } catch (err) {
    const { status, body } = badRequest(err);
    return reply.code(status).send(body);
  }
});

const address = await app.listen({ port: flags.port, host: flags.host });
console.log(`fastify peer listening on ${address}`);
exitOnSignal(async () => {
  await app.close();
  await appender.close();
});
