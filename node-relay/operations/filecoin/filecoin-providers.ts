import { z } from 'zod'
import { filecoinBackendOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { filecoinBackendField } from './shapes.ts'

const term = z.object({
  name: z.enum(['reliability', 'faults', 'price', 'latency', 'proof']).describe('the term'),
  value: z.number().describe('its value, 0-1'),
  weight: z.number().describe('its weight in the score'),
  because: z.string().describe('why, in words')
})

const provider = z.object({
  providerId: z.string().describe('provider id in the Filecoin Onchain Cloud registry'),
  name: z.string().describe('the name it registered'),
  serviceUrl: z.string().describe('its PDP service URL'),
  region: z.string().describe('its location tag from the registry'),
  approved: z.boolean().describe('approved by the warm storage service'),
  pricePerTibMonth: z.number().describe('storage price, USDFC per TiB per month'),
  score: z.number().describe('0-1, best first; 0 when excluded'),
  excluded: z.string().optional().describe('why it is not chosen (deny/allow list, region, not approved)'),
  miner: z.string().optional().describe('its storage provider (miner) id, when the operator mapped one'),
  faultySectors: z.number().optional().describe('faulty sectors on chain now (needs filecoin.rpcUrl and a miner mapping)'),
  chainError: z.string().optional().describe('why the chain facts could not be read'),
  history: z.object({
    uploads: z.number(), uploadFailures: z.number(), retrievals: z.number(), retrievalFailures: z.number(), corruptReads: z.number(),
    medianTtfbMs: z.number().optional(), medianProofMs: z.number().optional()
  }).optional().describe('what this relay measured with it'),
  terms: z.array(term).optional().describe('the parts of the score (with explain)')
})

const output = z.object({
  backend: z.string().describe('the filecoin backend asked'),
  providers: z.array(provider).describe('every active registry provider, best first')
})

type Output = z.infer<typeof output>

function lines (out: Output): string[] {
  return out.providers.flatMap(p => [
    `${p.providerId.padStart(4)}  ${p.score.toFixed(3)}  ${p.region.padEnd(4)}  ${p.pricePerTibMonth.toPrecision(3)} USDFC/TiB/mo  ${p.name}${p.excluded !== undefined ? `  (excluded: ${p.excluded})` : ''}`,
    ...(p.terms ?? []).map(t => `        ${t.name.padEnd(11)} ${t.value.toFixed(3)} × ${t.weight}  ${t.because}`)
  ])
}

/** `filecoin_providers`: the registry's storage providers, scored and explained. */
export const filecoinProviders = defineOperation({
  name: 'filecoin_providers',
  title: 'Filecoin storage providers',
  description: 'The active storage providers of the Filecoin Onchain Cloud registry, scored 0-1 best first from this relay\'s own history with each (upload success, verified retrievals, wrong bytes served, time to first byte, time to first proof), faulty sectors on chain (when a miner id is mapped and filecoin.rpcUrl is set), price, and the backend\'s allow/deny lists and regions. With explain, each score\'s parts and why.',
  input: z.object({
    backend: filecoinBackendField,
    explain: z.boolean().optional().describe('include each score\'s terms and their reasons')
  }),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: true },
  scope: 'storage:*:read',
  requires: ['storage'],
  rest: { method: 'GET', path: '/api/v1/filecoin/providers', tag: 'storage' },
  cli: { command: ['filecoin', 'providers'], lines },
  async run (components, input, { signal, demand }) {
    const backend = filecoinBackendOf(components, input.backend)
    // loaded when used: the Synapse SDK is heavy for every CLI start
    const { rankProviders } = await import('../../storage/filecoin/providers.ts')
    demand(`storage:${backend.name}:read`)
    const ranked = await rankProviders(backend, { ...(components.filecoin !== undefined && { lotus: components.filecoin.lotus }), signal })
    return {
      backend: backend.name,
      providers: ranked.map(({ terms, ...rest }) => ({ ...rest, ...(input.explain === true && { terms }) }))
    }
  }
})
