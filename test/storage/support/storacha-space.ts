/**
 * Set up a Storacha space the way a user does with the CLI, against the in-process service: an owner agent
 * creates a space, the service provisions it (what the console does for an account), and the owner delegates
 * the upload abilities to the relay's own agent key (`storacha delegation create <agent> --base64`). Returns the
 * secrets the backend's config takes.
 */
import * as StorachaClient from '@storacha/client'
import * as Ed25519 from '@storacha/client/principal/ed25519'
import { accessServiceConnection, filecoinServiceConnection, gatewayServiceConnection, uploadServiceConnection } from '@storacha/client/service'
import { StoreMemory } from '@storacha/client/stores/memory'
import { DID } from '@ucanto/core'
import { base64 } from 'multiformats/bases/base64'
import { identity } from 'multiformats/hashes/identity'
import * as Link from 'multiformats/link'
import type { StorachaService } from './storacha-service.ts'

/** What the relay's Storacha backend is configured with. */
export interface SpaceSecrets {
  space: string
  agentKey: string
  proof: string
}

/** Abilities the backend uses (what docs/STORAGE.md tells users to delegate). */
export const BACKEND_ABILITIES = [
  'space/blob/add', 'space/blob/get/0/1', 'space/blob/remove', 'space/index/add', 'filecoin/offer',
  'upload/add', 'upload/get', 'upload/list', 'upload/remove', 'upload/shard/list'
] as const

/** Options of {@link createSpace}. */
export interface CreateSpaceOptions {
  /** Delegate to this agent instead of a fresh one (e.g. to build a proof for the wrong agent). */
  audience?: Ed25519.EdSigner
  /** Delegation expiry, seconds since the epoch (default never). */
  expiration?: number
  /** Skip provisioning: the service then refuses uploads to the space. */
  unprovisioned?: boolean
  abilities?: readonly string[]
}

/** Create, provision and delegate a space; the returned key is the agent the proof is for. */
export async function createSpace (service: StorachaService, options: CreateSpaceOptions = {}): Promise<SpaceSecrets> {
  const id = DID.parse(service.did)
  const url = new URL(service.url)
  const owner = await StorachaClient.create({
    store: new StoreMemory(),
    serviceConf: { access: accessServiceConnection({ id, url }), upload: uploadServiceConnection({ id, url }), filecoin: filecoinServiceConnection({ id, url }), gateway: gatewayServiceConnection({ id, url }) },
    receiptsEndpoint: new URL(service.receiptsUrl)
  })
  const space = await owner.createSpace('ipfs-kit-test', { skipGatewayAuthorization: true })
  await owner.addSpace(await space.createAuthorization(owner))
  await owner.setCurrentSpace(space.did())
  if (options.unprovisioned !== true) await service.provision(space.did(), 'did:mailto:example.org:ipfs-kit')
  const agent = await Ed25519.generate()
  const delegation = await owner.createDelegation(options.audience ?? agent, [...(options.abilities ?? BACKEND_ABILITIES)] as never, { expiration: options.expiration ?? Infinity })
  const archive = await delegation.archive()
  if (archive.ok === undefined) throw new Error('cannot archive the delegation')
  return { space: space.did(), agentKey: Ed25519.format(agent), proof: Link.create(0x0202, identity.digest(archive.ok)).toString(base64) }
}
