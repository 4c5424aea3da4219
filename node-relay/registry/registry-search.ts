import { CID } from 'multiformats/cid'
import { collectBlock } from '../../core/blocks/bytes.ts'
import { listFiles } from '../../core/registry/index.ts'
import type { Registry, RegistryChange, RegistryKind, VersionRecord } from '../../core/registry/index.ts'
import type { IpfsService } from '../../core/service/ipfs-service.ts'
import type { DocumentInput, MetadataValue } from '../../core/search/types.ts'
import type { RelaySearch } from '../search/relay-search.ts'

/** Prefix of the id of a registry document: `registry:model/<name>`, `registry:dataset/<name>`. */
export const REGISTRY_DOC_PREFIX = 'registry:'

/** MIME type of a registry document, per kind. */
export const REGISTRY_MIME: Record<RegistryKind, string> = { model: 'application/vnd.ipfs-kit.model+json', dataset: 'application/vnd.ipfs-kit.dataset+json' }

/** Bytes of a model card's README.md read into its document's text. */
const MAX_README_BYTES = 64 * 1024
/** How long reading a README from the local store may take (it is never fetched from the network on purpose). */
const README_TIMEOUT_MS = 5_000

/** The search id of a registered name. */
export function registryDocumentId (kind: RegistryKind, name: string): string {
  return `${REGISTRY_DOC_PREFIX}${kind}/${name}`
}

/** The card's front matter as words: `key value` per scalar, lists joined. */
function cardWords (card: Record<string, unknown> | undefined): string {
  if (card === undefined) return ''
  const words: string[] = []
  const walk = (key: string, value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) walk(key, item)
    else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) walk(k, v)
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') words.push(`${key.replace(/_/g, ' ')} ${String(value)}`)
  }
  for (const [key, value] of Object.entries(card)) walk(key, value)
  return words.join('\n')
}

/** The README.md body of a version, when its blocks are on this relay; '' otherwise. */
async function readmeBody (service: IpfsService, record: VersionRecord): Promise<string> {
  try {
    if (!await service.content.blockstore.has(CID.parse(record.cid))) return ''
    const signal = AbortSignal.timeout(README_TIMEOUT_MS)
    const readme = (await listFiles(service, record.cid, { signal })).find(f => f.path.toLowerCase() === 'readme.md')
    if (readme === undefined || !await service.content.blockstore.has(CID.parse(readme.cid))) return ''
    const text = new TextDecoder().decode(await collectBlock(service.cat(readme.cid, { signal, length: MAX_README_BYTES })))
    return text.replace(/^\uFEFF?---\r?\n[\s\S]*?\r?\n---\r?\n?/, '')
  } catch {
    return '' // not here, or unreadable: the record's fields still make the document
  }
}

/** The document of a registered name: its latest version's record, card and README. */
async function documentOf (service: IpfsService, record: VersionRecord): Promise<DocumentInput> {
  const cardTags = Array.isArray(record.card?.tags) ? record.card.tags.filter((t): t is string => typeof t === 'string') : []
  const metadata: Record<string, MetadataValue> = { registry: record.kind, ref: `${record.name}@${record.version}`, root: record.cid }
  if (record.framework !== undefined) metadata.framework = record.framework
  const text = [record.description ?? '', record.framework ?? '', record.format ?? '', cardWords(record.card), await readmeBody(service, record)]
    .filter(t => t !== '').join('\n')
  return {
    cid: registryDocumentId(record.kind, record.name),
    name: record.name,
    mime: REGISTRY_MIME[record.kind],
    size: record.size,
    tags: [...new Set([...record.tags, ...cardTags])],
    metadata,
    addedAt: Date.parse(record.registeredAt),
    text,
    textStatus: 'extracted'
  }
}

/**
 * Keep one search document per registered model and dataset name, made from its highest version (description,
 * framework, format, the card's front matter and README text, tags from the record and the card), so a search for
 * words of a card finds the model. Follows every registry change, local or replicated; at start indexes the names
 * whose document is missing or names an older version.
 *
 * @returns the function that stops following
 */
export function indexRegistry (search: RelaySearch, registry: Registry, service: IpfsService): () => void {
  const refresh = (kind: RegistryKind, name: string): void => {
    search.schedule(async () => {
      const id = registryDocumentId(kind, name)
      let latest: VersionRecord | undefined
      try {
        latest = registry.resolve(kind, name)
      } catch {
        latest = undefined // no versions left
      }
      if (latest === undefined) {
        await search.removeDocument(id)
        return
      }
      await search.indexDocument(await documentOf(service, latest))
    })
  }
  for (const kind of ['model', 'dataset'] as const) {
    for (const entry of registry.list(kind)) {
      const latest = registry.resolve(kind, entry.name)
      const indexed = search.index.get(registryDocumentId(kind, entry.name))
      if (indexed?.metadata.ref !== `${latest.name}@${latest.version}`) refresh(kind, entry.name)
    }
  }
  return registry.onChange((change: RegistryChange) => {
    const [kind, name, type] = change.key.split('/')
    if (type === 'v' && (kind === 'model' || kind === 'dataset') && name !== undefined) refresh(kind, name)
  })
}
