#!/usr/bin/env bash
# Installs, from Debian's packages, what the tests use beyond npm:
#   bubblewrap  -> the grader's sandbox for learner code (grader/src/run/sandbox.ts) and
#                  grader/unit/hostile-learner.test.ts, which proves what it stops
#   chromium    -> test/dashboard.e2e.test.ts (playwright-core drives /usr/bin/chromium headless)
#   prometheus  -> test/prometheus.test.ts (`promtool check metrics` on GET /metrics/prometheus) and
#                  test/prometheus-scrape.test.ts (the `prometheus` server scraping the service)
#   wrk         -> `npm run bench`'s second load generator (bench/lib/wrk.ts; test/bench.test.ts)
#   nats-server, clickhouse-server, zookeeper
#               -> the cluster mode's engines (cluster/, docs/scale-out.md): `npm run test:cluster`
#                  and `npm run cluster` start them as child processes on free ports
# Safe to run again; needs root (or sudo). Without them, the tests that need them skip, saying so,
# and the grader runs learner code unsandboxed, saying so in its report.
set -euo pipefail
want=()
command -v bwrap >/dev/null 2>&1 || want+=(bubblewrap)
[ -x /usr/bin/chromium ] || want+=(chromium)
{ command -v promtool && command -v prometheus; } >/dev/null 2>&1 || want+=(prometheus)
command -v wrk >/dev/null 2>&1 || want+=(wrk)
[ -x /usr/sbin/nats-server ] || command -v nats-server >/dev/null 2>&1 || want+=(nats-server)
[ -x /usr/sbin/clickhouse-server ] || command -v clickhouse-server >/dev/null 2>&1 || want+=(clickhouse-server)
{ [ -f /usr/share/java/zookeeper.jar ] && command -v java; } >/dev/null 2>&1 || want+=(zookeeper default-jre-headless)
if [ ${#want[@]} -eq 0 ]; then
  echo "install-test-deps: bubblewrap, chromium, prometheus (with promtool), wrk, nats-server, clickhouse-server and zookeeper are already installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${want[@]}"
echo "install-test-deps: installed ${want[*]}"
