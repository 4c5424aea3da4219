/** A Synapse SDK instance on the calibration chain definition, signing with the SDK mocks' test key 1. */
import { calibration } from '@filoz/synapse-core/chains'
import * as Mocks from '@filoz/synapse-core/mocks'
import { Synapse } from '@filoz/synapse-sdk'
import { createWalletClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

/** A real Synapse instance whose chain and provider traffic the msw mocks answer. */
export function mockSynapse (): Synapse {
  const client = createWalletClient({ chain: calibration, transport: http(), account: privateKeyToAccount(Mocks.PRIVATE_KEYS.key1) })
  return new Synapse({ client, source: null })
}
