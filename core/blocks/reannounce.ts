import type { Identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'

/**
 * Re-run identify on every open connection (relayed ones too: bitswap runs over them), at most once per `minIntervalMs`. Identify tells libp2p's
 * registrar the peer's protocols again, so bitswap hears of the peer again and sends it its whole wantlist: a want
 * lost on a fresh WebRTC connection (identify timed out under load, or the first wantlist stream failed to open) is
 * asked again instead of waiting out the fetch deadline.
 */
export function reannouncer (libp2p: Libp2p<{ identify: Identify }>, minIntervalMs = 2000): () => void {
  let last = 0
  return () => {
    const now = Date.now()
    if (now - last < minIntervalMs) return
    last = now
    for (const connection of libp2p.getConnections()) {
      if (connection.status !== 'open') continue
      libp2p.services.identify.identify(connection, { signal: AbortSignal.timeout(10_000) }).catch(() => {})
    }
  }
}
