# syntax=docker/dockerfile:1
# The ipfs-kit relay as a container image (docs/DEPLOY.md). Build: `podman build -t ipfs-kit .` (or docker build).
#
# Stage 1 installs every dependency from the npm registry, builds the PWA (dist/) and the bundled CLI (build/cli.js),
# then drops the dev dependencies and what the relay never loads on Node (deploy/container/prune-modules.js: the React
# Native tree of @libp2p/webrtc, onnxruntime-web, other systems' onnxruntime builds; 1.1 GB down to 0.5 GB). Stage 2 is the runtime: Node 22, the built package, a non-root user, /data as a
# volume, a HEALTHCHECK on /health and the entrypoint (deploy/container/entrypoint.sh) that execs the relay, so
# SIGTERM reaches it and it drains requests in flight before it exits.
# NODE_IMAGE is any image with Node >= 22.12 on PATH as `node`, /bin/sh, mkdir and chown (npm too for stage 1).
#
# APP_STAGE=prebuilt skips stage 1 and takes an already built tree as the build context instead (package.json,
# node_modules with production dependencies only, bin/, build/, dist/, public/, deploy/container/). APP_STAGE may also
# name an image holding that tree under /src: that is how the container test builds the image with no registry
# (test/deploy/container-podman.test.ts imports the tree as one layer, skipping a copy of it).
ARG NODE_IMAGE=docker.io/library/node:22-bookworm-slim
ARG APP_STAGE=build

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# install scripts stay off (nothing in the stack needs them; see docs/DEPLOY.md)
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && node scripts/build-cli.ts && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && node deploy/container/prune-modules.js package-lock.json node_modules

FROM ${NODE_IMAGE} AS prebuilt
WORKDIR /src
COPY . .

FROM ${APP_STAGE} AS app

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    IPFS_KIT_HOME=/app \
    IPFS_KIT_DATA_DIR=/data \
    IPFS_KIT_HOST=0.0.0.0 \
    IPFS_KIT_PORT=8080 \
    IPFS_KIT_LISTEN=/ip4/0.0.0.0/tcp/4002/ws,/ip4/0.0.0.0/tcp/4001 \
    IPFS_KIT_LOG_FORMAT=json \
    HOME=/data
# the relay runs as uid/gid 10001 (no name needed; it owns only /data)
RUN mkdir -p /data && chown 10001:10001 /data
WORKDIR /app
COPY --from=app /src/package.json ./package.json
COPY --from=app /src/node_modules ./node_modules
COPY --from=app /src/bin ./bin
COPY --from=app /src/build ./build
COPY --from=app /src/dist ./dist
COPY --from=app /src/public ./public
COPY --from=app /src/deploy/container ./deploy/container
USER 10001:10001
VOLUME ["/data"]
# 8080 HTTP (API, gateway, PWA, /ws, /metrics, /health), 4002 libp2p WebSocket (browsers), 4001 libp2p TCP (relays)
EXPOSE 8080 4002 4001
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/app/deploy/container/healthcheck.js"]
ENTRYPOINT ["/app/deploy/container/entrypoint.sh"]
CMD ["start"]
