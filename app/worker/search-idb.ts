const STORE = 'snapshots'
const KEY = 'index'

function request<T> (req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => { resolve(req.result) }
    req.onerror = () => { reject(req.error ?? new Error('IndexedDB request failed')) }
  })
}

/** The IndexedDB database `name` that holds the search snapshot (one record, replaced on each save). */
export class SearchSnapshotStore {
  private db: IDBDatabase | undefined
  private readonly name: string

  constructor (name: string) {
    this.name = name
  }

  /** Open (creating if needed) the database. */
  async open (): Promise<void> {
    const req = indexedDB.open(this.name, 1)
    req.onupgradeneeded = () => { req.result.createObjectStore(STORE) }
    this.db = await request(req)
  }

  private store (mode: IDBTransactionMode): IDBObjectStore {
    if (this.db === undefined) throw new Error('search snapshot store is not open')
    return this.db.transaction(STORE, mode).objectStore(STORE)
  }

  /** The saved snapshot, if any. */
  async read (): Promise<Uint8Array | undefined> {
    const value: unknown = await request(this.store('readonly').get(KEY))
    return value instanceof Uint8Array ? value : value instanceof ArrayBuffer ? new Uint8Array(value) : undefined
  }

  /** Replace the snapshot (one put: IndexedDB makes it atomic). */
  async write (bytes: Uint8Array): Promise<void> {
    await request(this.store('readwrite').put(bytes, KEY))
  }

  /** Close the database (the snapshot stays). */
  close (): void {
    this.db?.close()
    this.db = undefined
  }

  /** Close and delete the database. */
  async destroy (): Promise<void> {
    this.close()
    await request(indexedDB.deleteDatabase(this.name))
  }
}
