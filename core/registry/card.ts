import { parseDocument, stringify } from 'yaml'
import type { VersionRecord } from './types.ts'
import { InvalidCardError } from './errors.ts'

/**
 * The YAML front matter of a model card (a README.md that starts with `---`), as Hugging Face writes them: `undefined`
 * when the text has no front matter; `ERR_INVALID_CARD` naming the line when the YAML does not parse or is not a mapping.
 */
export function parseCardFrontMatter (text: string): Record<string, unknown> | undefined {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n')
  if (!normalised.startsWith('---\n')) return undefined
  const end = normalised.indexOf('\n---', 4)
  if (end === -1) throw new InvalidCardError('model card: the YAML front matter opened by --- is never closed')
  const yamlText = normalised.slice(4, end + 1)
  const doc = parseDocument(yamlText, { prettyErrors: true, uniqueKeys: true })
  const first = doc.errors[0]
  if (first !== undefined) {
    const line = first.linePos?.[0].line
    throw new InvalidCardError(`model card: broken YAML front matter${line === undefined ? '' : ` at line ${line + 1}`}: ${first.message.split('\n')[0] ?? ''}`)
  }
  const value: unknown = doc.toJS()
  if (value === null || value === undefined) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidCardError('model card: the YAML front matter is not a mapping of keys to values')
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>
}

/**
 * A model card (README.md with YAML front matter, as the Hub reads them) for a version that has none: the record's
 * tags, framework as `library_name`, metrics, and where it came from (`ipfs_kit`: name, version, root CID).
 */
export function renderCard (record: VersionRecord): string {
  const front: Record<string, unknown> = {
    ...(record.tags.length > 0 ? { tags: record.tags } : {}),
    ...(record.framework === undefined ? {} : { library_name: record.framework }),
    ...(Object.keys(record.metrics).length > 0 ? { metrics: record.metrics } : {}),
    ipfs_kit: { name: record.name, version: record.version, cid: record.cid, kind: record.kind }
  }
  const title = `# ${record.name} (version ${record.version})`
  return `---\n${stringify(front)}---\n\n${title}\n\n${record.description ?? ''}\n\nRoot CID: \`${record.cid}\`\n`
}
