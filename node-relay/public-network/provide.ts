import { CID } from 'multiformats/cid'
import type { EventBus } from '../../core/events/bus.ts'
import type { Helia } from 'helia'

/**
 * Announce what the relay pins to the public network's routing (the DHT's provider records; the DHT re-provides them
 * on `network.reprovideIntervalMs`). Fire and forget: a failed announcement is retried by the reprovider, and a
 * relay without routers (offline) never calls this. Returns the unsubscribe function.
 */
export function provideWhatIsPinned (helia: Helia, events: EventBus, onError: (cid: string, err: unknown) => void): () => void {
  return events.subscribe(event => {
    if (event.type !== 'pin:added') return
    let cid: CID
    try {
      cid = CID.parse(event.cid)
    } catch {
      return
    }
    helia.routing.provide(cid, { signal: AbortSignal.timeout(5 * 60_000) }).catch((err: unknown) => { onError(event.cid, err) })
  })
}
