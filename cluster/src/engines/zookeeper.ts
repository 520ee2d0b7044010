import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { EngineStartError, findExecutable, freePort, missingBinary, startEngine, type EngineProcess } from './process.ts';

/**
 * A standalone ZooKeeper 3.8 (Debian's package) for ClickHouse's Replicated tables, run in the
 * foreground as a child process: `java ... ZooKeeperServerMain zoo.cfg`, which is what
 * `zkServer.sh start-foreground` runs, without the script's /etc and /var/log paths.
 */

/** Debian's jars: zookeeper.jar names its dependencies in its manifest; slf4j-simple sends the log to stderr. */
const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
const SLF4J_SIMPLE_JAR = '/usr/share/java/slf4j-simple.jar';
const START_ATTEMPTS = 3;

/** Why ZooKeeper cannot run here, or undefined. */
export function zookeeperMissing(): string | undefined {
  if (!existsSync(ZOOKEEPER_JAR)) return `ZooKeeper is not installed (${ZOOKEEPER_JAR} is missing; Debian: apt-get install zookeeper, or bash scripts/install-test-deps.sh)`;
  return missingBinary('java', 'default-jre-headless');
}

export interface RunningZooKeeper {
  name: string;
  /** The client port on 127.0.0.1. */
  port: number;
  /** host:port, as clients name it. */
  connect: string;
  dir: string;
  readonly pid: number;
  readonly process: EngineProcess;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export async function startZooKeeper(opts: { dir: string; name?: string }): Promise<RunningZooKeeper> {
  const name = opts.name ?? 'zookeeper';
  const java = findExecutable('java');
  const missing = zookeeperMissing();
  if (!java || missing) throw new EngineStartError(name, 'could not start', missing ?? 'java is missing');
  const dir = path.resolve(opts.dir);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const configFile = path.join(dir, 'zoo.cfg');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    writeFileSync(configFile, zooConfig(dir, port));
    try {
      const engine = await startEngine({
        name,
        binary: java,
        args: [
          // A small heap and the client compiler: a test coordinator that starts in a second on 2 cores.
          '-Xms32m',
          '-Xmx256m',
          '-XX:+UseSerialGC',
          '-XX:TieredStopAtLevel=1',
          '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
          '-cp',
          `${ZOOKEEPER_JAR}${path.delimiter}${SLF4J_SIMPLE_JAR}`,
          'org.apache.zookeeper.server.ZooKeeperServerMain',
          configFile,
        ],
        cwd: dir,
        ready: () => servesFrom(port, path.join(dir, 'data')),
        readyWithinMs: 30_000,
      });
      return {
        name,
        port,
        connect: `127.0.0.1:${port}`,
        dir,
        pid: engine.pid,
        process: engine,
        stop: () => engine.stop(),
        kill: () => engine.kill(),
      };
    } catch (err) {
      const portTaken = err instanceof EngineStartError && /address already in use/i.test(err.log);
      if (!portTaken || attempt >= START_ATTEMPTS) throw err;
    }
  }
}

function zooConfig(dir: string, port: number): string {
  return [
    // tickTime 500: sessions may be as short as 1 s (2 ticks), so a killed client's ephemeral nodes go soon.
    'tickTime=500',
    'minSessionTimeout=1000',
    'maxSessionTimeout=30000',
    `dataDir=${path.join(dir, 'data')}`,
    `clientPort=${port}`,
    'clientPortAddress=127.0.0.1',
    // No Jetty admin server on 8080; the four-letter `conf` is the readiness check.
    'admin.enableServer=false',
    '4lw.commands.whitelist=ruok,conf,srvr,mntr',
    // A test coordinator: no fsync per write, small preallocated logs.
    'forceSync=no',
    'preAllocSize=4096',
    '',
  ].join('\n');
}

/**
 * The four-letter `conf` lists the server's settings once it serves: its dataDir is ours (not another
 * ZooKeeper's that holds the port while this one fails to bind). `ruok` would only say "running".
 */
function servesFrom(port: number, dataDir: string): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.end('conf'));
    socket.setTimeout(1000, () => socket.destroy());
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer.split('\n').includes(`dataDir=${path.join(dataDir, 'version-2')}`)));
    socket.on('error', () => resolve(false));
  });
}
