import type { AbortOptions } from '../abort.ts'
import type { CID } from 'multiformats/cid'

/** The part of a Helia block broker this touches. */
interface AnnouncingBroker {
  name: string
  announce?: (cid: CID, options?: AbortOptions) => Promise<void>
}

/**
 * Make each broker's `announce` return at once, the announcement going on behind.
 *
 * Helia returns a block fetched from the network only after `announce` resolves. Bitswap's announce first waits for
 * the want-list message it is still sending to every connected peer (a stream opened, written and closed on each
 * connection, the relay's included), so on a busy WebRTC link a fetched block waited 100–750 ms before the reader
 * got it, and the reader's next wants went out that much later. The announcement only tells peers that asked for the
 * block that we have it now; no reader needs to wait for it. A failed announcement goes to `onError`.
 *
 * @example
 * ```ts
 * await helia.start() // brokers are added as Helia starts
 * announceInBackground(helia, err => { log.error('announce failed: %e', err) })
 * ```
 */
export function announceInBackground (helia: object, onError: (err: unknown) => void = () => {}): void {
  // Helia keeps its brokers in a field its types call private; one that is not there changes nothing
  const brokers: unknown = Reflect.get(helia, 'blockBrokers')
  if (!Array.isArray(brokers)) return
  for (const broker of brokers as AnnouncingBroker[]) {
    const announce = broker.announce?.bind(broker)
    if (announce === undefined) continue
    // without the caller's signal: the read that triggered it may end (and abort) before the announcement is sent
    broker.announce = async (cid: CID): Promise<void> => { announce(cid).catch(onError) }
  }
}
