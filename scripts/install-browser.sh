#!/usr/bin/env bash
# Installs what the end-to-end tests of the finished service use, from Debian's packages:
#   chromium    -> test/dashboard.e2e.test.ts (playwright-core drives /usr/bin/chromium headless)
#   prometheus  -> test/prometheus.test.ts (`promtool check metrics` on GET /metrics/prometheus) and
#                  test/prometheus-scrape.test.ts (the `prometheus` server scraping the service)
# Safe to run again; needs root (or sudo). Tests skip with a message when these are missing.
set -euo pipefail
want=()
[ -x /usr/bin/chromium ] || want+=(chromium)
{ command -v promtool && command -v prometheus; } >/dev/null 2>&1 || want+=(prometheus)
if [ ${#want[@]} -eq 0 ]; then
  echo "install-browser: chromium and prometheus (with promtool) are already installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${want[@]}"
echo "install-browser: installed ${want[*]}"
