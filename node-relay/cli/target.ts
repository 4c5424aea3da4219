import { InvalidInputError } from '../../core/errors/index.ts'

/** A `<cid>[/path]` argument split into its parts. */
export interface Target {
  /** The root CID as given (the relay validates it). */
  cid: string
  /** Path segments below the root. */
  segments: string[]
}

/** Parse `<cid>`, `<cid>/a/b`, `/ipfs/<cid>/a/b` or `ipfs://<cid>/a/b`. */
export function parseTarget (input: string): Target {
  const parts = input.trim().replace(/^ipfs:\/\//, '').replace(/^\/ipfs\//, '').split('/').filter(s => s !== '')
  const [cid, ...segments] = parts
  if (cid === undefined) throw new InvalidInputError('expected a CID, optionally followed by /path')
  return { cid, segments }
}

/** The URL path of a target below an API route, each segment percent-encoded: `/api/v1/cat` + `bafy.../a%20b`. */
export function targetUrl (route: string, target: Target): string {
  return [route, target.cid, ...target.segments].map((s, i) => i === 0 ? s : encodeURIComponent(s)).join('/')
}

/** The last name of a target: its last path segment, or the CID itself. */
export function targetName (target: Target): string {
  return target.segments.at(-1) ?? target.cid
}
