import { parseCid } from '../../core/content/cid.ts'

/** Media a page can show from a blob of verified bytes. */
export type MediaKind = 'image' | 'audio' | 'video' | 'pdf'

/** Media is read whole into a blob before it is shown: bigger files are offered for download instead. */
export const MAX_MEDIA_BYTES = 256 * 1024 * 1024

/**
 * What a person pastes to open content: `bafy…`, `/ipfs/bafy…/a/b`, `ipfs://bafy…`, a gateway URL
 * (`https://gw.example/ipfs/bafy…/a`) or an app share link (`…#open=bafy…/a`). Returns `<cid>[/path]`;
 * `ERR_INVALID_CID` for anything whose root is not a CID.
 */
export function parseTarget (text: string): string {
  const shared = /#open=(.+)$/.exec(text.trim())
  const trimmed = (shared?.[1] ?? text).trim().replace(/^ipfs:\/\//, '').replace(/^https?:\/\/[^/]+/, '').replace(/^\/ipfs\//, '').replace(/\/+$/, '')
  const [root = '', ...rest] = trimmed.split('/')
  parseCid(root)
  return [root, ...rest.map(part => { try { return decodeURIComponent(part) } catch { return part } })].join('/')
}

/** The name of what a target points at: its last path segment, or '' for a bare CID (a CID is not a name). */
export function fileName (target: string): string {
  const parts = target.split('/')
  return parts.length > 1 ? parts.at(-1) ?? '' : ''
}

/** Media the page can show from a blob (SVG is not: it can carry scripts), under a size a tab can hold. */
export function mediaKindOf (mime: string, size: number): MediaKind | undefined {
  if (size > MAX_MEDIA_BYTES) return undefined
  if (mime.startsWith('image/') && mime !== 'image/svg+xml') return 'image'
  if (mime.startsWith('audio/')) return 'audio'
  if (mime.startsWith('video/')) return 'video'
  if (mime === 'application/pdf') return 'pdf'
  return undefined
}
