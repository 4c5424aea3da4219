import { MemoryDatastore } from 'datastore-core'
import { createHeliaLight } from 'helia'
import createMortice from 'mortice'
import { ContentStore } from '../../core/content/content-store.ts'
import { EventBus } from '../../core/events/bus.ts'
import { IpfsService } from '../../core/service/ipfs-service.ts'
import { PinBatchingDatastore } from '../../core/service/pin-write-batch.ts'
import type { Helia } from '@helia/interface'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'

/**
 * An `IpfsService` over a started real Helia (no network) with the relay's write guard: a mortice of its own, held
 * shared by adds and pins and alone by `block rm`. A `PinBatchingDatastore` given as `datastore` also batches pins.
 */
export async function startGuardedService (blockstore: Blockstore, datastore: Datastore = new MemoryDatastore()): Promise<{ service: IpfsService, helia: Helia }> {
  const helia = createHeliaLight({ blockstore, datastore, blockBrokers: [] })
  await helia.start()
  const writes = createMortice({ name: `guarded-service-${crypto.randomUUID()}`, singleProcess: true })
  const service = new IpfsService({
    content: new ContentStore({ blockstore }),
    pins: helia.pins,
    events: new EventBus(),
    writeGuard: async (options) => writes.readLock(options),
    exclusiveGuard: async (options) => writes.writeLock(options),
    ...(datastore instanceof PinBatchingDatastore ? { pinWriteBatch: datastore } : {})
  })
  return { service, helia }
}
