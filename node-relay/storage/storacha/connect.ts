/**
 * Build a `@storacha/client` for one agent and one space from config: the agent's Ed25519 key, a delegation
 * (proof) from the space to that agent, and the upload service to talk to. This is the island boundary: the
 * Storacha stack runs on multiformats 13, so CIDs go in and come out only as strings (see
 * test/unit/single-multiformats.test.ts).
 */
import * as StorachaClient from '@storacha/client'
import * as Ed25519 from '@storacha/client/principal/ed25519'
import * as Proof from '@storacha/client/proof'
import { accessServiceConnection, filecoinServiceConnection, gatewayServiceConnection, uploadServiceConnection } from '@storacha/client/service'
import { StoreMemory } from '@storacha/client/stores/memory'
import { DID } from '@ucanto/core'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { DEFAULT_SERVICE_DID, DEFAULT_SERVICE_URL } from './defaults.ts'
import type { Client } from '@storacha/client'
import type { ServiceConf } from '@storacha/client/types'

/** What is needed to act on a space. */
export interface StorachaConnectionInit {
  /** The agent's private key, as `storacha key create` prints it (`Mg...`). */
  agentKey: string
  /** Delegation from the space to the agent, base64 (`storacha delegation create <agent did> --base64`). */
  proof: string
  /** Upload service URL (default `https://up.storacha.network`). */
  serviceUrl?: string
  /** Upload service DID (default `did:web:up.storacha.network`). */
  serviceDid?: string
  /** Receipts endpoint (default `<serviceUrl>/receipt/`). */
  receiptsUrl?: string
}

/** A client acting on one space. */
export interface StorachaConnection {
  client: Client
  /** The space's DID (`did:key:...`). */
  space: string
  /** The agent's DID. */
  agent: string
}


/**
 * Parse the agent key and proof and make a client whose current space is the proof's space. A malformed key or
 * proof is `ERR_INVALID_INPUT`; a proof that does not authorise the agent is only refused by the service, on use.
 *
 * @example
 * ```ts
 * const { client, space } = await connectStoracha({ agentKey: env.STORACHA_KEY, proof: env.STORACHA_PROOF, serviceUrl })
 * ```
 */
export async function connectStoracha (init: StorachaConnectionInit): Promise<StorachaConnection> {
  let principal: Ed25519.EdSigner
  try {
    principal = Ed25519.parse(init.agentKey)
  } catch (err) {
    throw new InvalidInputError('Storacha agent key is not an Ed25519 private key (Mg...)', { cause: err })
  }
  let delegation: Awaited<ReturnType<typeof Proof.parse>>
  try {
    delegation = await Proof.parse(init.proof)
  } catch (err) {
    throw new InvalidInputError('Storacha proof is not a base64 delegation (storacha delegation create --base64)', { cause: err })
  }
  const id = DID.parse(init.serviceDid ?? DEFAULT_SERVICE_DID)
  const url = new URL(init.serviceUrl ?? DEFAULT_SERVICE_URL)
  const client = await StorachaClient.create({
    principal,
    store: new StoreMemory(),
    serviceConf: {
      access: accessServiceConnection({ id, url }) as ServiceConf['access'],
      upload: uploadServiceConnection({ id, url }) as ServiceConf['upload'],
      filecoin: filecoinServiceConnection({ id, url }) as ServiceConf['filecoin'],
      gateway: gatewayServiceConnection({ id, url }) as ServiceConf['gateway']
    },
    receiptsEndpoint: new URL(init.receiptsUrl ?? new URL('/receipt/', url).toString())
  })
  let space: string
  try {
    space = (await client.addSpace(delegation)).did()
  } catch (err) {
    throw new InvalidInputError('Storacha proof does not delegate a space', { cause: err })
  }
  await client.setCurrentSpace(space as `did:key:${string}`)
  return { client, space, agent: principal.did() }
}
