/**
 * Promise adapters over raw IndexedDB requests and transactions, translating IndexedDB failures into
 * ipfs-kit's typed errors at this boundary. Raw IndexedDB rather than the `idb` package: the blockstore needs
 * exactly four adapters and full control over transaction lifetime (group commit), which `idb` would hide.
 */
import { StorageError, StoreClosedError } from '../../core/errors/index.ts'

/** Resolve with a request's result, reject with a `StorageError` carrying the IndexedDB error. */
export async function requestResult<T> (request: IDBRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    request.onsuccess = () => { resolve(request.result) }
    request.onerror = () => { reject(storageError('IndexedDB request failed', request.error)) }
  })
}

/**
 * Resolve when a transaction has committed; reject with a `StorageError` when it errors or is aborted
 * (a `QuotaExceededError` surfaces here as the transaction's `error`).
 */
export async function transactionDone (tx: IDBTransaction): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => { resolve() }
    tx.onerror = () => { reject(storageError('IndexedDB transaction failed', tx.error)) }
    tx.onabort = () => { reject(storageError('IndexedDB transaction aborted', tx.error)) }
  })
}

/**
 * Open (creating when needed) a database at `version` holding the object stores `storeNames`. An upgrade from an
 * older version creates the stores it lacks and keeps the others with their data.
 */
export async function openDatabase (name: string, storeNames: readonly string[], version = 1): Promise<IDBDatabase> {
  return new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name, version)
    request.onupgradeneeded = () => {
      for (const storeName of storeNames) {
        if (!request.result.objectStoreNames.contains(storeName)) request.result.createObjectStore(storeName)
      }
    }
    request.onsuccess = () => { resolve(request.result) }
    request.onerror = () => { reject(new StoreClosedError(`cannot open IndexedDB database "${name}": ${describe(request.error)}`)) }
    request.onblocked = () => { reject(new StoreClosedError(`opening IndexedDB database "${name}" is blocked by another connection`)) }
  })
}

/** Delete a whole database; resolves once it is gone. */
export async function deleteDatabase (name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name)
    request.onsuccess = () => { resolve() }
    request.onerror = () => { reject(storageError(`cannot delete IndexedDB database "${name}"`, request.error)) }
  })
}

/** Wrap an IndexedDB (or other) failure as a `StorageError`, keeping the original as `cause`. */
export function storageError (message: string, cause: unknown): StorageError {
  return new StorageError(`${message}: ${describe(cause)}`, { cause })
}

function describe (err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`
  return typeof err === 'string' ? err : 'unknown error'
}
