// The container's HEALTHCHECK (and what the entrypoint test runs): GET /health on the relay in this container,
// exit 0 when it answers 200, 1 otherwise (a draining relay answers 503). Plain JavaScript for any Node 22.
// IPFS_KIT_HEALTH_URL overrides the address (for example https://127.0.0.1:8443/health when the relay serves TLS;
// IPFS_KIT_HEALTH_INSECURE=true then accepts a certificate issued for another name).
/* global process, fetch, AbortSignal */
const port = process.env.IPFS_KIT_PORT ?? '8080'
const url = process.env.IPFS_KIT_HEALTH_URL ?? `http://127.0.0.1:${port}/health`
if (process.env.IPFS_KIT_HEALTH_INSECURE === 'true') process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4000) })
  const body = await res.text()
  if (res.status !== 200) {
    process.stderr.write(`unhealthy: ${url} answered ${res.status} ${body.slice(0, 200)}\n`)
    process.exit(1)
  }
  process.stdout.write(`healthy: ${body.slice(0, 200)}\n`)
} catch (err) {
  process.stderr.write(`unhealthy: ${url}: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
}
