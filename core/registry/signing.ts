import { base64 } from 'multiformats/bases/base64'
import { canonicalJson } from './pipeline.ts'
import type { RecordSignature, StoredValue } from './types.ts'

/** Who signs the records this registry writes: an id (the relay's peer id) and its signing function. */
export interface RecordSigner {
  id: string
  sign: (bytes: Uint8Array) => Promise<Uint8Array> | Uint8Array
}

/** Checks a signature by `signer` (a peer id) over `bytes`; false (or a throw) means not valid. */
export type RecordVerifier = (signer: string, bytes: Uint8Array, signature: Uint8Array) => Promise<boolean> | boolean

/** The bytes a record's signature covers: its type and record as canonical JSON (keys sorted), nothing else. */
export function signedBytes (value: StoredValue): Uint8Array {
  return new TextEncoder().encode(canonicalJson({ type: value.type, record: value.record }))
}

/** Sign a value. */
export async function signValue (signer: RecordSigner, value: StoredValue): Promise<RecordSignature> {
  return { by: signer.id, sig: base64.baseEncode(await signer.sign(signedBytes(value))) }
}

/** Whether `signature` is a valid signature of `value` by the peer it names. */
export async function verifyValue (verifier: RecordVerifier, value: StoredValue, signature: RecordSignature | undefined): Promise<boolean> {
  if (signature === undefined) return false
  try {
    return await verifier(signature.by, signedBytes(value), base64.baseDecode(signature.sig))
  } catch {
    return false
  }
}
