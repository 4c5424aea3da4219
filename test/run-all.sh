#!/usr/bin/env bash
# The whole test suite: typecheck, lint, unit + compliance (Node), browser tests (Debian Chromium), bench smoke.
# `npm test` runs this; CI runs `npm ci && npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
# relays started by the tests and the bench smoke stay off the public IPFS network (no internet here)
export IPFS_KIT_OFFLINE=true

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "› Chromium not found at $CHROMIUM: installing Debian's chromium with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "✗ Browser tests need Chromium at $CHROMIUM." >&2
    echo "  Install it with: sudo apt-get install -y chromium   (or set CHROMIUM_PATH to a Chromium binary)" >&2
    exit 1
  fi
fi

if ! command -v promtool >/dev/null; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "› installing Debian's prometheus package for promtool (validates /metrics)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  else
    echo "! promtool not found: the /metrics validity test will be skipped (sudo apt-get install prometheus)"
  fi
fi

# the age interop test (test/crypto/age-interop.test.ts) checks our files against the reference implementation's CLI
if ! command -v age >/dev/null; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "› installing Debian's age package (the reference age CLI, for the interop test)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends age >/dev/null
  else
    echo "! age not found: the age CLI interop checks will be skipped (sudo apt-get install age)"
  fi
fi

# the container image under podman (test/deploy/container-podman.test.ts) runs in CI (CI=true) and when
# IPFS_KIT_CONTAINER_PODMAN=1; it needs Debian's podman and runc (crun refuses this machine's cgroup layout),
# podman-compose for deploy/compose.yaml, and CNI's dnsname plugin so the compose relays find each other by name
# (podman 4.3 on Debian 12 uses CNI without netavark; without the plugin `relay-1` does not resolve)
if { [ "${CI:-}" = "true" ] || [ "${IPFS_KIT_CONTAINER_PODMAN:-}" = "1" ]; } \
  && ! { command -v podman >/dev/null && command -v runc >/dev/null && command -v podman-compose >/dev/null && [ -x /usr/lib/cni/dnsname ]; }; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "› installing Debian's podman, runc, podman-compose and the CNI dnsname plugin for the container image test"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman runc podman-compose golang-github-containernetworking-plugin-dnsname >/dev/null
  else
    echo "! podman, runc, podman-compose or the CNI dnsname plugin missing: the container image test skips what needs them (sudo apt-get install podman runc podman-compose golang-github-containernetworking-plugin-dnsname)"
  fi
fi

echo "› typecheck"
npx tsc -p .
echo "› lint"
npx eslint .
echo "› tests (node + browser)"
mkdir -p test-results
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=$?
node -e '
  const r = require("./test-results/vitest.json")
  const skipped = r.numPendingTests + r.numTodoTests
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""))
' || true
if [ "$status" != "0" ]; then exit "$status"; fi

echo "› benchmark smoke (seconds; the full run is npm run bench)"
if [ -f bench/run.ts ]; then npx tsx bench/run.ts --quick; fi
