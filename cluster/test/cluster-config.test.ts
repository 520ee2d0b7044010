import { describe, expect, it } from 'vitest';
import { ClusterConfigError, loadClusterConfig, wantsCluster } from '../src/cluster-config.ts';

describe('the cluster flags', () => {
  it('takes its own flags and leaves the service its flags', () => {
    const c = loadClusterConfig(['--role', 'ingest', '--port', '8081', '--nats', 'nats://a:4222,nats://b:4223', '--clickhouse', 'http://x:8123/,http://y:8124', '--node-id', 'in-1', '--rules-file', 'r.json'], {});
    expect(c).toMatchObject({ role: 'ingest', nats: ['nats://a:4222', 'nats://b:4223'], clickhouse: ['http://x:8123', 'http://y:8124'], nodeId: 'in-1', streamReplicas: 1, partitions: 8 });
    expect(c.serviceArgs).toEqual(['--port', '8081', '--rules-file', 'r.json']);
  });

  it('reads METRICSTREAM_* variables when a flag is absent; the flag wins', () => {
    const env = { METRICSTREAM_ROLE: 'store', METRICSTREAM_NATS: 'nats://n:1', METRICSTREAM_STREAM_REPLICAS: '3' };
    expect(loadClusterConfig([], env)).toMatchObject({ role: 'store', nats: ['nats://n:1'], streamReplicas: 3 });
    expect(loadClusterConfig(['--role', 'query'], env).role).toBe('query');
    expect(wantsCluster([], env)).toBe(true);
    expect(wantsCluster(['--port', '1'], {})).toBe(false);
    expect(wantsCluster(['--role=all'], {})).toBe(true);
  });

  it.each([
    [['--role', 'leader'], /--role must be one of/],
    [['--nats', 'http://a:1'], /--nats: "http:\/\/a:1" is not nats:\/\/host:port/],
    [['--clickhouse', 'x:8123'], /--clickhouse: "x:8123" is not http:\/\/host:port/],
    [['--table', 'metrics; DROP'], /--table/],
    [['--node-id', 'a b'], /--node-id/],
    [['--stream-replicas', '2'], /--stream-replicas must be 1 or 3/],
    [['--partitions', '0'], /--partitions must be an integer from 1/],
    [['--lease-ttl-ms', '10'], /--lease-ttl-ms must be an integer from 500/],
  ])('refuses %j, naming the flag', (argv, message) => {
    expect(() => loadClusterConfig(argv, {})).toThrow(ClusterConfigError);
    expect(() => loadClusterConfig(argv, {})).toThrow(message);
  });
});
