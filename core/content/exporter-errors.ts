import { IpfsKitError, InvalidInputError, NotFoundError, UnsupportedCodecError } from '../errors/index.ts'

/**
 * Translate errors from ipfs-unixfs-exporter into ours at the boundary (as js-stores translates vendor errors),
 * so callers see stable codes. Errors that are already ours, and aborts, pass through unchanged.
 */
export function translateExporterError (err: unknown, what: string): unknown {
  if (err instanceof IpfsKitError || !(err instanceof Error)) return err
  if (err.name === 'AbortError') return err
  switch (err.name) {
    case 'NotFoundError': return new NotFoundError(`${what}: ${err.message}`)
    case 'BadPathError': return new InvalidInputError(`${what}: bad path: ${err.message}`, { cause: err })
    case 'NoResolverError': return new UnsupportedCodecError(`${what}: no decoder for this codec`)
    case 'NotUnixFSError': return new UnsupportedCodecError(`${what}: not a UnixFS node: ${err.message}`)
    case 'InvalidParametersError': return new InvalidInputError(`${what}: ${err.message}`, { cause: err })
    default: return err
  }
}
