/**
 * The one door into Storacha's UCAN stack for CIDs. That stack runs on multiformats 13 (ours is 14, and two copies
 * must never exchange CID objects: test/unit/single-multiformats.test.ts), so a CID enters it only as a string,
 * parsed here with the stack's own parser, and leaves it only as a string (`String(link)`), parsed with ours.
 */
import { parseLink } from '@ucanto/core'
import type { Client } from '@storacha/client'

/** A CID of the Storacha stack's multiformats, as its client methods take them. */
export type IslandLink = Parameters<Client['capability']['upload']['get']>[0]

/**
 * Parse a CID string into the Storacha stack's own CID class.
 * (`@ucanto/core`'s published types point at a path multiformats 13 does not export, so the parser's type is
 * restated here.)
 *
 * @example
 * ```ts
 * await client.capability.upload.get(toIslandLink(root.toString()))
 * ```
 */
export const toIslandLink = parseLink as unknown as (cid: string) => IslandLink
