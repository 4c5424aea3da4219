// Used by entrypoint.sh when IPFS_KIT_BOOTSTRAP_FROM is set: wait (up to IPFS_KIT_BOOTSTRAP_WAIT_MS, 120 s) until the
// relay at that URL answers GET /api/v1/id (public), then print its libp2p TCP addresses (with /p2p/<id>) as the
// comma-separated IPFS_KIT_BOOTSTRAP value. Loopback addresses are left out: they name the other container itself.
/* global process, fetch, AbortSignal, setTimeout */
const base = (process.argv[2] ?? '').replace(/\/$/, '')
const deadline = Date.now() + Number(process.env.IPFS_KIT_BOOTSTRAP_WAIT_MS ?? 120_000)
for (;;) {
  try {
    const res = await fetch(`${base}/api/v1/id`, { signal: AbortSignal.timeout(3000) })
    if (res.ok) {
      const id = await res.json()
      const addrs = id.addresses
        .filter(a => /\/tcp\/\d+(\/p2p\/|$)/.test(a) && !a.startsWith('/ip4/127.') && !a.startsWith('/ip6/::1/'))
        .map(a => a.includes('/p2p/') ? a : `${a}/p2p/${id.peerId}`)
      if (addrs.length > 0) {
        process.stdout.write(addrs.join(','))
        process.exit(0)
      }
    }
  } catch {
    // not up yet
  }
  if (Date.now() > deadline) {
    process.stderr.write(`bootstrap: ${base}/api/v1/id did not answer with a TCP address in time\n`)
    process.exit(1)
  }
  await new Promise(resolve => setTimeout(resolve, 1000))
}
