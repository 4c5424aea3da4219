import { loadOrCreateSelfKey } from '@libp2p/config'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import type { RecordSigner, RecordVerifier } from '../../core/registry/index.ts'
import type { Datastore } from 'interface-datastore'

/**
 * The registry's record signing on a relay: records written here are signed with the relay's libp2p peer key (kept
 * in `datastore`, the one its peer id is made from), and a record from another relay is verified with the public key inside the peer id
 * it names (Ed25519 peer ids carry it), so a record keeps proof of which relay wrote it however many peers relay it.
 */
export async function registrySigning (datastore: Datastore): Promise<{ signer: RecordSigner, verifier: RecordVerifier }> {
  const privateKey = await loadOrCreateSelfKey(datastore)
  const signer: RecordSigner = { id: peerIdFromPrivateKey(privateKey).toString(), sign: async (bytes) => privateKey.sign(bytes) }
  const verifier: RecordVerifier = async (by, bytes, signature) => {
    const publicKey = peerIdFromString(by).publicKey
    return publicKey === undefined ? false : await publicKey.verify(bytes, signature)
  }
  return { signer, verifier }
}
