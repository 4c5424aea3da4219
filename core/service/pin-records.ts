import { Key } from 'interface-datastore'
import { base36 } from 'multiformats/bases/base36'
import { CID } from 'multiformats/cid'
import type { AbortOptions } from '../abort.ts'
import type { Datastore } from 'interface-datastore'
import type * as Cborg from 'cborg'

// loaded on first use: cborg's package exports only an `import` condition, which some loaders (tsx, used by the
// benchmarks) resolve as `require` from a static import
let cborg: Promise<typeof Cborg> | undefined

/** Where Helia keeps pin records (`/pin/<base36 CIDv1>`, a CBOR `{ depth, metadata }`). */
export const PIN_PREFIX = '/pin/'

/** A pin record as Helia stores it. */
export interface PinRecord {
  cid: CID
  depth: number
  metadata: Record<string, string | number | boolean>
}

/** A record under `/pin/` that cannot be read: its key and why. */
export interface TornPinRecord {
  key: string
  reason: string
}

/** Decode one stored pin record; throws when it is torn or not a pin. */
export async function decodePinRecord (key: string, value: Uint8Array): Promise<PinRecord> {
  const cid = CID.parse(key.slice(PIN_PREFIX.length), base36)
  const { decode } = await (cborg ??= import('cborg'))
  const record = decode(value) as { depth?: unknown, metadata?: unknown }
  if (typeof record.depth !== 'number' || typeof record.metadata !== 'object' || record.metadata === null) {
    throw new Error('not a pin record')
  }
  return { cid, depth: record.depth, metadata: record.metadata as PinRecord['metadata'] }
}

/**
 * Every pin record in the datastore, skipping the ones that cannot be decoded (a record torn by an older version's
 * concurrent writes): `onTorn` hears about each, so listing pins and starting the relay never fail on one bad file.
 * `ipfs-kit repo verify --repair` removes them.
 */
export async function * readPinRecords (datastore: Pick<Datastore, 'query'>, options: AbortOptions & { onTorn?: (torn: TornPinRecord) => void } = {}): AsyncGenerator<PinRecord> {
  for await (const { key, value } of datastore.query({ prefix: PIN_PREFIX }, options)) {
    try {
      yield await decodePinRecord(key.toString(), value)
    } catch (err) {
      options.onTorn?.({ key: key.toString(), reason: err instanceof Error ? err.message : String(err) })
    }
  }
}

/** The datastore key of `cid`'s pin record. */
export function pinRecordKey (cid: CID): Key {
  return new Key(`${PIN_PREFIX}${(cid.version === 0 ? cid.toV1() : cid).toString(base36)}`)
}
