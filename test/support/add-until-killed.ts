/**
 * Child process for the kill -9 test: adds a 1 GiB stream of random bytes into an FsBlockstore at argv[2],
 * printing the bytes read so far, until the parent kills it.
 */
import { randomFillSync } from 'node:crypto'
import { createContentStore } from '../../core/content/index.ts'
import { FsBlockstore } from '../../node-relay/blocks/fs-blockstore.ts'

const dir = process.argv[2]
if (dir === undefined) throw new Error('usage: add-until-killed.ts <store dir>')
const store = new FsBlockstore({ path: dir })
await store.open()
const content = createContentStore({ blockstore: store })

async function * oneGiB (): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < 1024; i++) yield randomFillSync(new Uint8Array(1024 * 1024))
}

let reported = 0
await content.add(oneGiB(), {
  onProgress: ({ bytes }) => {
    if (bytes - reported >= 8 * 1024 * 1024) {
      reported = bytes
      process.stdout.write(`${bytes}\n`)
    }
  }
})
process.stdout.write('done\n')
