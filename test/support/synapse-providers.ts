/**
 * The Synapse SDK's own mocks (`@filoz/synapse-core/mocks`: the chain's JSON-RPC, the provider registry with two PDP
 * providers, warm storage, payments) on msw, plus PDP provider HTTP handlers that keep what was uploaded so the
 * `filecoin` backend can read it back from the retrieval URL. The upload, create-and-add and pull handlers follow
 * the SDK repo's own tests (packages/synapse-sdk/src/test/storage-upload.test.ts); what differs is that bytes are
 * kept, served at `/piece/<pieceCid>`, and can be corrupted.
 *
 * Both mock providers (ids 1 and 2) share the service URL `https://pdp.example.com` in the SDK's mocks: copies go to
 * two provider ids and two data sets, but one HTTP stand-in serves them.
 */
import { calibration } from '@filoz/synapse-core/chains'
import * as Mocks from '@filoz/synapse-core/mocks'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { decodeFunctionData, isAddressEqual, numberToHex, parseTransaction, parseUnits } from 'viem'
import type { Hex } from 'viem'
import { withThirdProvider } from './synapse-third-provider.ts'

const BASE = 'https://pdp.example.com'
/** The mocks' block number (0x127001), where the simulated chain starts. */
export const START_EPOCH = 0x127001n
/** The mocks' PDP config: proving period 2880 epochs, challenge window 60. */
export const PROVING_PERIOD = 2880n
export const CHALLENGE_WINDOW = 60n

/** A running set of mock providers. */
export interface SynapseProviders {
  server: ReturnType<typeof setupServer>
  /** Pieces held, by piece CID. */
  pieces: Map<string, Uint8Array>
  /**
   * Serve different bytes for this piece (a provider returning wrong bytes): for the next `times` reads, or for
   * good. Both mock providers share one URL, so "the first copy lies, the second is good" is `times: 1`.
   */
  corrupt: (pieceCid: string, times?: number) => void
  /**
   * Refuse the next finalize with HTTP 400, as Curio does when the piece CID the client sends does not match the
   * commP it computed over the uploaded bytes (the SDK ignores the piece CID in a 200 answer, so a refusal is how a
   * provider disagrees).
   */
  refuseNextFinalize: () => void
  /** How many times each piece was fetched. */
  reads: Map<string, number>
  /**
   * The simulated chain's PDP state. Every data set is challenged each proving period from {@link START_EPOCH}; a
   * healthy one proves, so its next challenge moves to the next period boundary as `epoch` advances. A `stalled` data
   * set stops proving: its next challenge stays where it was when it stalled, and the proof falls overdue.
   */
  chain: {
    epoch: bigint
    stall: (dataSetId: bigint) => void
    /** Data sets whose provider terminated them (`dataSetLive` false). */
    dead: Set<bigint>
    /** Piece removals the providers were asked to schedule: `<dataSetId>/<pieceId>`. */
    removals: Set<string>
    /** Data sets whose service was terminated: their PDP end epoch (warm storage `getDataSet().pdpEndEpoch`). */
    ending: Map<bigint, bigint>
    /**
     * The payer's Filecoin Pay account (`accounts(token, payer)`), 18-decimal USDFC. A `deposit` transaction sent
     * to Filecoin Pay adds its amount to `funds` (and is listed in `deposits`), as the contract would.
     */
    account: { funds: bigint, lockupCurrent: bigint, lockupRate: bigint, lockupLastSettledAt: bigint }
    deposits: bigint[]
  }
  stop: () => void
}

/** Options of {@link startSynapseProviders}. */
export interface SynapseProvidersOptions {
  /** Register a third approved provider (id 3, same service URL) in the registry mock, for repairs. */
  thirdProvider?: boolean
  /**
   * The wallet already allows Filecoin Pay to take its USDFC (an ERC-20 allowance), so a deposit is one transaction:
   * the mocks' receipts carry no events, and the SDK waits for the token's `Approval` event after approving.
   */
  tokenApproved?: boolean
}

/** Start msw with the SDK's chain mocks and keeping PDP provider handlers. */
export function startSynapseProviders (options: SynapseProvidersOptions = {}): SynapseProviders {
  const uploads = new Map<string, Uint8Array>()
  const pieces = new Map<string, Uint8Array>()
  const corrupted = new Map<string, number>()
  const reads = new Map<string, number>()
  const refusal = { next: false }
  let uploadCounter = 0
  let tx = 0
  const txHash = (): `0x${string}` => `0x${(++tx).toString(16).padStart(64, '0')}`

  const preset = options.thirdProvider === true ? withThirdProvider(Mocks.presets.basic) : Mocks.presets.basic
  const view = preset.warmStorageView
  const stalled = new Map<bigint, bigint>()
  const chain: SynapseProviders['chain'] = {
    epoch: START_EPOCH,
    stall: (id) => { stalled.set(id, nextChallenge(id)) },
    dead: new Set(),
    removals: new Set(),
    ending: new Map(),
    // the preset's account: 500 USDFC deposited, nothing locked, settled at epoch 1,000,000
    account: { funds: parseUnits('500', 18), lockupCurrent: 0n, lockupRate: 0n, lockupLastSettledAt: 1_000_000n },
    deposits: []
  }
  function nextChallenge (id: bigint): bigint {
    const frozen = stalled.get(id)
    if (frozen !== undefined) return frozen
    const periods = (chain.epoch - START_EPOCH) / PROVING_PERIOD + 1n
    return START_EPOCH + periods * PROVING_PERIOD
  }
  const rpc: Mocks.JSONRPCOptions = {
    ...preset,
    debug: false,
    ...(options.tokenApproved === true && { erc20: { ...preset.erc20, allowance: () => [2n ** 255n] } }),
    payments: {
      ...preset.payments,
      accounts: () => [chain.account.funds, chain.account.lockupCurrent, chain.account.lockupRate, chain.account.lockupLastSettledAt]
    },
    eth_sendRawTransaction: (args: Hex[]) => {
      const [raw] = args
      if (raw === undefined) throw new Error('no transaction')
      const tx = parseTransaction(raw)
      if (tx.to != null && tx.data !== undefined && isAddressEqual(tx.to, calibration.contracts.filecoinPay.address)) {
        const call = decodeFunctionData({ abi: calibration.contracts.filecoinPay.abi, data: tx.data })
        if (call.functionName === 'deposit') {
          const amount = call.args[2]
          chain.account.funds += amount
          chain.deposits.push(amount)
        }
      }
      const send = preset.eth_sendRawTransaction
      if (send === undefined) throw new Error('the preset has no eth_sendRawTransaction')
      // the mock's types do not resolve for the linter (typescript itself checks this line)
      // eslint-disable-next-line @typescript-eslint/no-unsafe-return
      return send(args)
    },
    pdpVerifier: {
      ...preset.pdpVerifier,
      dataSetLive: ([id]) => [!chain.dead.has(id)],
      getNextChallengeEpoch: ([id]) => [nextChallenge(id)],
      getScheduledRemovals: ([id]) => [[...chain.removals].filter((r) => r.startsWith(`${id}/`)).map((r) => BigInt(r.split('/')[1] ?? '0'))]
    },
      // the preset knows data set 1 only; data sets this stand-in creates (ids 1000+) read as copies of it
      warmStorageView: {
        ...view,
        getDataSet: (args) => {
          const getDataSet = view?.getDataSet
          if (getDataSet === undefined) throw new Error('the preset has no getDataSet')
          const [id] = args
          // the mock's ABI-derived types do not resolve for the linter (typescript itself checks this line)
          // eslint-disable-next-line @typescript-eslint/no-unsafe-return
          if (id < 1000n) return getDataSet(args)
          const [record] = getDataSet([1n])
          return [{ ...record, dataSetId: id, pdpEndEpoch: chain.ending.get(id) ?? 0n }]
        }
      }
  }
  // the block number moves with the simulated chain (read on every call)
  Object.defineProperty(rpc, 'eth_blockNumber', { get: () => numberToHex(chain.epoch), enumerable: true })
  const server = setupServer(
    Mocks.JSONRPC(rpc),
    Mocks.PING(),
    http.post(`${BASE}/pdp/piece/uploads`, () => {
      const uuid = `${(++uploadCounter).toString(16).padStart(8, '0')}-0000-0000-0000-000000000000`
      return HttpResponse.text('Created', { status: 201, headers: { Location: `/pdp/piece/uploads/${uuid}` } })
    }),
    http.put<{ uuid: string }>(`${BASE}/pdp/piece/uploads/:uuid`, async ({ request, params }) => {
      uploads.set(params.uuid, new Uint8Array(await request.arrayBuffer()))
      return HttpResponse.text('No Content', { status: 204 })
    }),
    http.post<{ uuid: string }, { pieceCid: string }>(`${BASE}/pdp/piece/uploads/:uuid`, async ({ request, params }) => {
      const body = await request.json()
      if (refusal.next) {
        refusal.next = false
        return HttpResponse.text(`piece CID mismatch: client sent ${body.pieceCid}`, { status: 400 })
      }
      const bytes = uploads.get(params.uuid)
      if (bytes !== undefined) pieces.set(body.pieceCid, bytes)
      return HttpResponse.json({ pieceCid: body.pieceCid }, { status: 200 })
    }),
    Mocks.pdp.findAnyPieceHandler(true),
    http.post(`${BASE}/pdp/data-sets/create-and-add`, () => {
      return new HttpResponse(null, { status: 201, headers: { Location: `/pdp/data-sets/created/${txHash()}` } })
    }),
    http.get<{ txHash: string }>(`${BASE}/pdp/data-sets/created/:txHash`, ({ params }) => HttpResponse.json({
      createMessageHash: params.txHash, dataSetCreated: true, service: 'mock', txStatus: 'confirmed', ok: true,
      dataSetId: 1000 + Number.parseInt(params.txHash.slice(-6), 16)
    })),
    http.post<{ id: string }>(`${BASE}/pdp/data-sets/:id/pieces`, ({ params }) => {
      return new HttpResponse(null, { status: 201, headers: { Location: `/pdp/data-sets/${params.id}/pieces/added/${txHash()}` } })
    }),
    http.get<{ id: string, txHash: string }>(`${BASE}/pdp/data-sets/:id/pieces/added/:txHash`, ({ params }) => HttpResponse.json({
      addMessageOk: true, confirmedPieceIds: [Number.parseInt(params.txHash.slice(-6), 16)], dataSetId: Number(params.id),
      pieceCount: 1, piecesAdded: true, txHash: params.txHash, txStatus: 'confirmed'
    })),
    http.post<never, { pieces: Array<{ pieceCid: string }> }>(`${BASE}/pdp/piece/pull`, async ({ request }) => {
      const body = await request.json()
      return HttpResponse.json(Mocks.pdp.createPullResponse('complete', body.pieces.map((p) => ({ pieceCid: p.pieceCid }))))
    }),
    http.delete<{ id: string, pieceId: string }>(`${BASE}/pdp/data-sets/:id/pieces/:pieceId`, ({ params }) => {
      chain.removals.add(`${params.id}/${params.pieceId}`)
      return HttpResponse.json({ txHash: txHash() })
    }),
    http.get<{ cid: string }>(`${BASE}/piece/:cid`, ({ params }) => {
      reads.set(params.cid, (reads.get(params.cid) ?? 0) + 1)
      const bytes = pieces.get(params.cid)
      if (bytes === undefined) return new HttpResponse(null, { status: 404 })
      const left = corrupted.get(params.cid) ?? 0
      if (left <= 0) return HttpResponse.arrayBuffer(bytes.slice().buffer)
      corrupted.set(params.cid, left - 1)
      const bad = bytes.slice()
      bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff
      return HttpResponse.arrayBuffer(bad.buffer)
    })
  )
  server.listen({ onUnhandledRequest: 'bypass' })
  return {
    server,
    pieces,
    reads,
    corrupt: (pieceCid, times = Number.POSITIVE_INFINITY) => { corrupted.set(pieceCid, times) },
    refuseNextFinalize: () => { refusal.next = true },
    chain,
    stop: () => { server.close() }
  }
}
