import { X509Certificate, createPrivateKey } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { InvalidInputError } from '../../core/errors/index.ts'
import type { RelayConfig } from '../config/schema.ts'

/** A certificate chain and its private key, PEM, as `https.createServer` takes them. */
export interface TlsMaterial {
  cert: Buffer
  key: Buffer
}

async function readPem (path: string, field: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (err) {
    throw new InvalidInputError(`${field}: cannot read ${path} (${err instanceof Error ? err.message : String(err)})`, { cause: err })
  }
}

/**
 * Read `http.tls` (certificate and key files), checking both parse and belong together, so a wrong path or a
 * mismatched pair stops the start with a message naming the field rather than failing on the first handshake.
 * `undefined` when TLS is not configured.
 */
export async function loadTls (config: RelayConfig): Promise<TlsMaterial | undefined> {
  const tls = config.http.tls
  if (tls === undefined) return undefined
  const [cert, key] = await Promise.all([readPem(tls.cert, 'http.tls.cert'), readPem(tls.key, 'http.tls.key')])
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(cert)
  } catch (err) {
    throw new InvalidInputError(`http.tls.cert: ${tls.cert} is not a PEM certificate`, { cause: err })
  }
  try {
    if (!certificate.checkPrivateKey(createPrivateKey(key))) throw new Error('mismatch')
  } catch (err) {
    throw new InvalidInputError(`http.tls.key: ${tls.key} is not the private key of ${tls.cert}`, { cause: err })
  }
  return { cert, key }
}
