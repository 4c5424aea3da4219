import { describe, expect, it } from 'vitest'
import { BROWSER_BASELINES, browserRows } from '../../bench/lib/browser-rows.ts'

/** A row as `runBrowserIdbBench` returns it: samples in MB/s. */
const row = (name: string, mbPerSec: number): Record<string, unknown> => ({ name, sizeMiB: 64, medianMs: 64 * 1.048576 / mbPerSec * 1000, samples: [mbPerSec] })

describe('browser bench rows', () => {
  it('sets each ipfs-kit add against raw IndexedDB and against Helia\'s add of the same kind of input', () => {
    const rows = browserRows({
      rows: [
        row(BROWSER_BASELINES.rawIdb, 100),
        row(BROWSER_BASELINES.heliaIdb, 20),
        row(BROWSER_BASELINES.heliaIdbBlob, 25),
        row('ipfs-kit-add-bytes-idb', 80),
        row('ipfs-kit-add-blob-idb-storage-worker', 50)
      ]
    })
    const ratios = (name: string): Record<string, number> => rows.find(r => r.name === name)?.ratios ?? {}
    expect(ratios('ipfs-kit-add-bytes-idb')[BROWSER_BASELINES.rawIdb]).toBeCloseTo(0.8)
    expect(ratios('ipfs-kit-add-bytes-idb')[BROWSER_BASELINES.heliaIdb]).toBeCloseTo(4)
    expect(ratios('ipfs-kit-add-blob-idb-storage-worker')[BROWSER_BASELINES.heliaIdbBlob]).toBeCloseTo(2)
    expect(ratios('ipfs-kit-add-blob-idb-storage-worker')[BROWSER_BASELINES.heliaIdb]).toBeUndefined()
    // the baselines are not set against Helia
    expect(Object.keys(ratios(BROWSER_BASELINES.heliaIdb))).toEqual([BROWSER_BASELINES.rawIdb])
  })

  it('refuses a result of the wrong shape', () => {
    expect(() => browserRows({ rows: [{ name: 'x' }] })).toThrow(/wants name, sizeMiB, medianMs/)
  })
})
