/**
 * What the `filecoin` backend measured with each storage provider, for provider scoring: uploads that succeeded or
 * failed, retrievals that verified, failed or served wrong bytes, times to first byte, and the time from a copy's
 * upload to its first confirmed proof. Kept in one JSON file written atomically (or in memory without a path).
 */
import { JsonFile } from './json-file.ts'
import type { ProviderHistory } from './scoring.ts'

/** Samples kept per provider for the medians. */
const SAMPLES = 50

/** The raw tallies of one provider. */
export interface ProviderTally {
  uploads: number
  uploadFailures: number
  retrievals: number
  retrievalFailures: number
  corruptReads: number
  /** The latest times to first byte, milliseconds. */
  ttfbMs: number[]
  /** The latest times from upload to the first confirmed proof, milliseconds. */
  proofMs: number[]
}

function median (values: number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

function push (values: number[], value: number): void {
  values.push(Math.round(value))
  if (values.length > SAMPLES) values.splice(0, values.length - SAMPLES)
}

const empty = (): ProviderTally => ({ uploads: 0, uploadFailures: 0, retrievals: 0, retrievalFailures: 0, corruptReads: 0, ttfbMs: [], proofMs: [] })

/** See the module comment. */
export class ProviderHistoryStore {
  private readonly file: JsonFile<Record<string, ProviderTally>>
  private readonly tallies = new Map<string, ProviderTally>()
  private loaded: Promise<void> | undefined

  /** @param path - the JSON file; in memory when absent */
  constructor (path?: string) {
    this.file = new JsonFile(path)
  }

  private async load (): Promise<void> {
    this.loaded ??= (async () => {
      for (const [id, tally] of Object.entries(await this.file.read() ?? {})) this.tallies.set(id, { ...empty(), ...tally })
    })()
    await this.loaded
  }

  private async update (providerId: string, change: (tally: ProviderTally) => void): Promise<void> {
    await this.load()
    const tally = this.tallies.get(providerId) ?? empty()
    change(tally)
    this.tallies.set(providerId, tally)
    await this.file.write(Object.fromEntries(this.tallies))
  }

  /** An upload to the provider succeeded or failed. */
  async upload (providerId: string, ok: boolean): Promise<void> {
    await this.update(providerId, (t) => { t.uploads++; if (!ok) t.uploadFailures++ })
  }

  /** A retrieval from the provider: verified, failed, or served wrong bytes; with its time to first byte when it answered. */
  async retrieval (providerId: string, outcome: 'ok' | 'failed' | 'corrupt', ttfbMs?: number): Promise<void> {
    await this.update(providerId, (t) => {
      t.retrievals++
      if (outcome === 'failed') t.retrievalFailures++
      if (outcome === 'corrupt') t.corruptReads++
      if (ttfbMs !== undefined) push(t.ttfbMs, ttfbMs)
    })
  }

  /** A copy with the provider reached its first confirmed proof this long after its upload. */
  async proof (providerId: string, ms: number): Promise<void> {
    await this.update(providerId, (t) => { push(t.proofMs, ms) })
  }

  /** The provider's history as scoring reads it (undefined: never used). */
  async get (providerId: string): Promise<ProviderHistory | undefined> {
    await this.load()
    const t = this.tallies.get(providerId)
    if (t === undefined) return undefined
    const ttfb = median(t.ttfbMs)
    const proof = median(t.proofMs)
    return {
      uploads: t.uploads,
      uploadFailures: t.uploadFailures,
      retrievals: t.retrievals,
      retrievalFailures: t.retrievalFailures,
      corruptReads: t.corruptReads,
      ...(ttfb !== undefined && { medianTtfbMs: ttfb }),
      ...(proof !== undefined && { medianProofMs: proof })
    }
  }
}
