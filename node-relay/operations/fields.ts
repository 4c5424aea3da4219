import { z } from 'zod'
import { parseCid } from '../../core/content/cid.ts'
import type { CID } from 'multiformats/cid'

/** A CID argument (parsed by {@link cidOf} in the run, so a malformed one is `ERR_INVALID_CID` on every surface). */
export const cidField = (description: string): z.ZodString => z.string().min(1).max(512).describe(description)

/** A human name: at most 255 characters, no control characters (they would corrupt logs and headers). */
export const nameField = (description: string): z.ZodString =>
  // eslint-disable-next-line no-control-regex
  z.string().max(255).regex(/^[^\u0000-\u001f\u007f]*$/, 'control characters are not allowed').describe(description)

/** Free key/value metadata. */
export const metadataField = z.record(z.string().max(255), z.union([z.string(), z.number(), z.boolean()]))

/** A list of strings (tags, backends, peers): repeatable `--flag` on the CLI, comma-separated in a query string. */
export const stringList = (description: string): z.ZodArray<z.ZodString> => z.array(z.string().min(1).max(255)).describe(description)

/** Parse a CID field; throws `ERR_INVALID_CID` naming the value. */
export function cidOf (value: string): CID {
  return parseCid(value)
}
