import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'

/** Target size of one chunk of a state sync (each chunk is one sealed message on the sync stream). */
export const SYNC_CHUNK_BYTES = 1024 * 1024

/**
 * What `doc` holds beyond `stateVector`, as a sequence of Yjs updates of about `maxBytes` each: the structs of each
 * writer (client) in clock order, cut between structs, then one last update with the whole delete set. Applied in
 * order, they leave a peer with exactly what `Y.encodeStateAsUpdate(doc, stateVector)` would; applied in another
 * order, Yjs keeps what cannot be placed yet as pending and places it when its dependencies arrive.
 *
 * A sync of a 100k-pin state was one 18–30 MiB message: the sender built it whole and the receiver buffered it whole.
 * Chunks bound both to about `maxBytes` (a single struct larger than that travels alone). Structs are written as Yjs
 * writes them (`Item.write`/`GC.write` into an `UpdateEncoderV1`, higher client ids first), with a struct header per
 * chunk: the update format has one header per client run and allows a run to start at any clock.
 *
 * @example
 * ```ts
 * for (const chunk of encodeStateAsChunks(doc, remoteStateVector, SYNC_CHUNK_BYTES)) await send(chunk)
 * ```
 */
export function * encodeStateAsChunks (doc: Y.Doc, stateVector: Uint8Array | undefined, maxBytes = SYNC_CHUNK_BYTES): Generator<Uint8Array> {
  const known = stateVector === undefined ? new Map<number, number>() : Y.decodeStateVector(stateVector)
  const clients = [...doc.store.clients.keys()].sort((a, b) => b - a)
  for (const client of clients) {
    const structs = doc.store.clients.get(client) ?? []
    const last = structs.at(-1)
    if (last === undefined) continue
    let clock = Math.max(known.get(client) ?? 0, structs[0]?.id.clock ?? 0)
    if (clock >= last.id.clock + last.length) continue
    let index = Y.findIndexSS(structs, clock)
    while (index < structs.length) {
      const body = new Y.UpdateEncoderV1()
      const startClock = clock
      let count = 0
      for (; index < structs.length; index++) {
        const struct = structs[index]
        if (struct === undefined) break
        if (count > 0 && encoding.length(body.restEncoder) >= maxBytes) break
        struct.write(body, clock - struct.id.clock)
        clock = struct.id.clock + struct.length
        count++
      }
      yield structsUpdate(client, startClock, count, encoding.toUint8Array(body.restEncoder))
    }
  }
  // no structs, and the whole delete set: a peer may hold items whose deletion it has not seen
  yield Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc))
}

/** One client's run of `count` structs from `clock` (already encoded in `body`) as a complete V1 update. */
function structsUpdate (client: number, clock: number, count: number, body: Uint8Array): Uint8Array {
  const update = new Y.UpdateEncoderV1()
  encoding.writeVarUint(update.restEncoder, 1)
  encoding.writeVarUint(update.restEncoder, count)
  update.writeClient(client)
  encoding.writeVarUint(update.restEncoder, clock)
  encoding.writeUint8Array(update.restEncoder, body)
  encoding.writeVarUint(update.restEncoder, 0) // an empty delete set: the last chunk carries it
  return encoding.toUint8Array(update.restEncoder)
}
