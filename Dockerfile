# syntax=docker/dockerfile:1
# The ipfs-kit relay as a container image (docs/DEPLOY.md). Build: `podman build -t ipfs-kit .` (or docker build).
#
# Stage 1 installs every dependency from the npm registry, builds the PWA (dist/) and the bundled CLI (build/cli.js),
# then drops the dev dependencies. Stage 2 is the runtime: Node 22, the built package, a non-root user, /data as a
# volume, a HEALTHCHECK on /health and the entrypoint (deploy/container/entrypoint.sh) that execs the relay, so
# SIGTERM reaches it and it drains requests in flight before it exits.
# NODE_IMAGE is any image with Node >= 22.12 and npm at /usr/local/bin or on PATH (Debian based: useradd is used).
ARG NODE_IMAGE=docker.io/library/node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# install scripts stay off (nothing in the stack needs them; see docs/DEPLOY.md)
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && node scripts/build-cli.ts && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    IPFS_KIT_HOME=/app \
    IPFS_KIT_DATA_DIR=/data \
    IPFS_KIT_HOST=0.0.0.0 \
    IPFS_KIT_PORT=8080 \
    IPFS_KIT_LISTEN=/ip4/0.0.0.0/tcp/4002/ws,/ip4/0.0.0.0/tcp/4001 \
    IPFS_KIT_LOG_FORMAT=json
RUN (getent group ipfs-kit || groupadd --system --gid 10001 ipfs-kit) \
 && (getent passwd ipfs-kit || useradd --system --uid 10001 --gid ipfs-kit --home-dir /data --shell /usr/sbin/nologin ipfs-kit) \
 && mkdir -p /data && chown ipfs-kit:ipfs-kit /data
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/bin ./bin
COPY --from=build /src/build ./build
COPY --from=build /src/dist ./dist
COPY --from=build /src/public ./public
COPY --from=build /src/deploy/container ./deploy/container
USER ipfs-kit:ipfs-kit
VOLUME ["/data"]
# 8080 HTTP (API, gateway, PWA, /ws, /metrics, /health), 4002 libp2p WebSocket (browsers), 4001 libp2p TCP (relays)
EXPOSE 8080 4002 4001
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/app/deploy/container/healthcheck.mjs"]
ENTRYPOINT ["/app/deploy/container/entrypoint.sh"]
CMD ["start"]
