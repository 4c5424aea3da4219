/**
 * A Lotus JSON-RPC 2.0 stand-in: a real HTTP server on a free loopback port answering `Filecoin.*` methods with
 * the shapes Lotus returns. Source of the shapes: the Lotus API reference
 * (filecoin-project/lotus, documentation/en/api-v1-unstable-methods.md: the example responses of ChainHead,
 * StateMinerInfo, StateMinerPower, StateMinerFaults, GasEstimateGasPremium, WalletBalance). The values are
 * calibration-like but illustrative, not a live recording; tests change them through `state`.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the fake answers; tests edit it. */
export interface LotusState {
  height: number
  timestamp: number
  baseFee: string
  gasPremium: string
  balances: Record<string, string>
  miners: Record<string, { raw: string, qa: string, faults: number[], peerId: string, sectorSize: number }>
  totalRaw: string
  totalQa: string
}

/** A running fake. */
export interface LotusFake {
  url: string
  state: LotusState
  /** Requests per method. */
  calls: Map<string, number>
  /** Make a method answer a JSON-RPC error. */
  failing: Set<string>
  stop: () => Promise<void>
}

function answer (state: LotusState, method: string, params: unknown[]): unknown {
  const miner = typeof params[0] === 'string' ? state.miners[params[0]] : undefined
  switch (method) {
    case 'Filecoin.ChainHead':
      return {
        Cids: [{ '/': 'bafy2bzacea3wsdh6y3a36tb3skempjoxqpuyompjbmfeyf34fi3uy6uue42v4' }],
        Blocks: [{
          Miner: 'f01234', Ticket: { VRFProof: 'Ynl0ZSBhcnJheQ==' }, ElectionProof: { WinCount: 9, VRFProof: 'Ynl0ZSBhcnJheQ==' },
          BeaconEntries: [], WinPoStProof: [], Parents: [], ParentWeight: '0', Height: state.height,
          ParentStateRoot: { '/': 'bafy2bzacea3wsdh6y3a36tb3skempjoxqpuyompjbmfeyf34fi3uy6uue42v4' },
          ParentMessageReceipts: { '/': 'bafy2bzacea3wsdh6y3a36tb3skempjoxqpuyompjbmfeyf34fi3uy6uue42v4' },
          Messages: { '/': 'bafy2bzacea3wsdh6y3a36tb3skempjoxqpuyompjbmfeyf34fi3uy6uue42v4' },
          BLSAggregate: { Type: 2, Data: 'Ynl0ZSBhcnJheQ==' }, Timestamp: state.timestamp,
          BlockSig: { Type: 2, Data: 'Ynl0ZSBhcnJheQ==' }, ForkSignaling: 0, ParentBaseFee: state.baseFee
        }],
        Height: state.height
      }
    case 'Filecoin.StateMinerPower':
      if (miner === undefined) throw new Error('actor not found')
      return {
        MinerPower: { RawBytePower: miner.raw, QualityAdjPower: miner.qa },
        TotalPower: { RawBytePower: state.totalRaw, QualityAdjPower: state.totalQa },
        HasMinPower: BigInt(miner.raw) >= 10n * 2n ** 40n
      }
    case 'Filecoin.StateMinerInfo':
      if (miner === undefined) throw new Error('actor not found')
      return {
        Owner: 'f01234', Worker: 'f01234', NewWorker: 'f01234', ControlAddresses: ['f01234'], WorkerChangeEpoch: 10101,
        PeerId: miner.peerId, Multiaddrs: ['Ynl0ZSBhcnJheQ=='], WindowPoStProofType: 8, SectorSize: miner.sectorSize,
        WindowPoStPartitionSectors: 42, ConsensusFaultElapsed: 10101, PendingOwnerAddress: 'f01234', Beneficiary: 'f01234',
        BeneficiaryTerm: { Quota: '0', UsedQuota: '0', Expiration: 10101 }, PendingBeneficiaryTerm: null
      }
    case 'Filecoin.StateMinerFaults':
      if (miner === undefined) throw new Error('actor not found')
      return miner.faults
    case 'Filecoin.GasEstimateGasPremium':
      return state.gasPremium
    case 'Filecoin.WalletBalance':
      return state.balances[String(params[0])] ?? '0'
    default:
      throw Object.assign(new Error(`method '${method}' not found`), { code: -32601 })
  }
}

/** Start the fake on a free port. */
export async function startLotusFake (): Promise<LotusFake> {
  const calls = new Map<string, number>()
  const failing = new Set<string>()
  const state: LotusState = {
    height: 3_141_592,
    timestamp: 1_764_800_000,
    baseFee: '100',
    gasPremium: '99558',
    balances: {},
    miners: {},
    totalRaw: (30n * 2n ** 60n).toString(),
    totalQa: (32n * 2n ** 60n).toString()
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number, method: string, params: unknown[] }
      calls.set(request.method, (calls.get(request.method) ?? 0) + 1)
      let reply: unknown
      try {
        if (failing.has(request.method)) throw Object.assign(new Error('node is syncing'), { code: 1 })
        reply = { jsonrpc: '2.0', id: request.id, result: answer(state, request.method, request.params) }
      } catch (err) {
        reply = { jsonrpc: '2.0', id: request.id, error: { code: (err as { code?: number }).code ?? 1, message: (err as Error).message } }
      }
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(reply))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/rpc/v1`,
    state,
    calls,
    failing,
    stop: async () => { await new Promise<void>((resolve) => server.close(() => { resolve() })) }
  }
}
