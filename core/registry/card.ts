import { parseDocument } from 'yaml'
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
