import { z } from 'zod'
import { filecoinOf } from '../components.ts'
import { defineOperation } from '../operation.ts'

const provider = z.object({
  miner: z.string().describe('storage provider (miner) id'),
  peerId: z.string().nullable().optional().describe('its libp2p peer id'),
  sectorSize: z.number().optional().describe('sector size in bytes'),
  qualityAdjPower: z.string().optional().describe('quality-adjusted power in bytes (decimal)'),
  powerShare: z.number().optional().describe('share of the network\'s quality-adjusted power, 0-1'),
  hasMinPower: z.boolean().optional().describe('whether it meets the minimum power for consensus'),
  faultySectors: z.number().optional().describe('faulty sectors now'),
  error: z.string().optional().describe('why its facts could not be read')
})

const output = z.object({
  endpoint: z.string().describe('the Lotus/Forest JSON-RPC endpoint asked'),
  chain: z.object({
    height: z.number().describe('head height'),
    headTime: z.string().describe('when the head was made (ISO 8601)'),
    finalizedHeight: z.number().describe('newest final height (head - 900 epochs)'),
    baseFeeAttoFil: z.string().describe('base fee, attoFIL per gas unit'),
    gasPremiumAttoFil: z.string().describe('estimated gas premium for inclusion within 10 blocks, attoFIL per gas unit'),
    walletAttoFil: z.string().optional().describe('the configured wallet\'s balance in attoFIL')
  }),
  providers: z.array(provider).describe('the watched storage providers (filecoin.providers, or `miners`)')
})

/** `filecoin_status`: the Filecoin chain and the watched storage providers, from the configured node. */
export const filecoinStatus = defineOperation({
  name: 'filecoin_status',
  title: 'Filecoin chain status',
  description: 'The Filecoin chain as the configured Lotus/Forest node sees it (head, finality, base fee, gas premium, the wallet\'s FIL) and each watched storage provider\'s power and faulty sectors. Answers are cached per method (head 15 s, power 5 min). Needs `filecoin.rpcUrl` in the relay config.',
  input: z.object({
    miners: z.array(z.string().regex(/^[ft]0\d+$/, 'a miner id such as f01234')).max(100).optional().describe('storage providers to show instead of the configured ones')
  }),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: true },
  scope: 'metrics',
  requires: ['filecoin'],
  rest: { method: 'GET', path: '/api/v1/filecoin/status', tag: 'storage' },
  cli: {
    command: ['filecoin', 'status'],
    lines: (out: z.infer<typeof output>) => [
      `height ${out.chain.height} (final ${out.chain.finalizedHeight}), head at ${out.chain.headTime}`,
      `base fee ${out.chain.baseFeeAttoFil} attoFIL/gas, premium ${out.chain.gasPremiumAttoFil}`,
      ...(out.chain.walletAttoFil === undefined ? [] : [`wallet ${out.chain.walletAttoFil} attoFIL`]),
      ...out.providers.map(p => p.error !== undefined ? `${p.miner}  error: ${p.error}` : `${p.miner}  power ${((p.powerShare ?? 0) * 100).toFixed(4)}%  faulty sectors ${p.faultySectors ?? 0}`)
    ]
  },
  async run (components, input, { signal }) {
    return await filecoinOf(components).status({ ...(input.miners !== undefined && { miners: input.miners }), signal })
  }
})
