#!/bin/sh
# Entrypoint of the ipfs-kit container image (Dockerfile at the repository root), also run as is outside a container
# by test/deploy/container-entrypoint.test.ts.
#
# `entrypoint.sh` or `entrypoint.sh start [flags]` runs the relay; any other arguments are an ipfs-kit command run
# against the same data directory (`entrypoint.sh keys create --name ops --role admin`).
# Settings are the relay's own IPFS_KIT_* environment variables (docs/DEPLOY.md); the defaults below suit a container:
# data in /data, HTTP on 0.0.0.0:8080, libp2p WebSocket on 4002 and TCP on 4001, JSON logs.
# IPFS_KIT_BOOTSTRAP_FROM=http://relay-1:8080 waits for that relay and bootstraps from its libp2p TCP addresses
# (the compose cluster's relays 2 and 3 use it, so no peer id has to be written down).
# The relay is exec'd, so it is the process that receives SIGTERM: it drains requests in flight, closes its stores
# and exits 0 (a second SIGINT exits at once; a repeated SIGTERM does not cut the drain).
set -eu

IPFS_KIT_HOME="${IPFS_KIT_HOME:-/app}"
NODE="${IPFS_KIT_NODE:-node}"
export IPFS_KIT_DATA_DIR="${IPFS_KIT_DATA_DIR:-/data}"
export IPFS_KIT_HOST="${IPFS_KIT_HOST:-0.0.0.0}"
export IPFS_KIT_PORT="${IPFS_KIT_PORT:-8080}"
export IPFS_KIT_LISTEN="${IPFS_KIT_LISTEN:-/ip4/0.0.0.0/tcp/4002/ws,/ip4/0.0.0.0/tcp/4001}"
export IPFS_KIT_LOG_FORMAT="${IPFS_KIT_LOG_FORMAT:-json}"

if [ "$#" -eq 0 ]; then set -- start; fi

if [ "$1" = "start" ]; then
  mkdir -p "$IPFS_KIT_DATA_DIR"
  if [ -n "${IPFS_KIT_BOOTSTRAP_FROM:-}" ] && [ -z "${IPFS_KIT_BOOTSTRAP:-}" ]; then
    IPFS_KIT_BOOTSTRAP="$("$NODE" "$IPFS_KIT_HOME/deploy/container/bootstrap-from.js" "$IPFS_KIT_BOOTSTRAP_FROM")"
    export IPFS_KIT_BOOTSTRAP
  fi
  exec "$NODE" "$IPFS_KIT_HOME/bin/ipfs-kit.js" "$@"
fi

# any other command (keys, audit, repo, cluster …) runs as given: `keys create … -d /data` acts on a stopped relay's data
exec "$NODE" "$IPFS_KIT_HOME/bin/ipfs-kit.js" "$@"
