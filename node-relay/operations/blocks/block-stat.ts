import { z } from 'zod'
import { codecName } from '../codecs.ts'
import { cidField, cidOf } from '../fields.ts'
import { defineOperation } from '../operation.ts'
import { blockInfo } from './shape.ts'

/** `block_stat`: size and codec of one block. */
export const blockStat = defineOperation({
  name: 'block_stat',
  title: 'Describe a block',
  description: 'Size and codec of one block, verified against its CID (fetched from peers when missing here).',
  input: z.object({ cid: cidField('CID of the block') }),
  output: blockInfo,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: true },
  scope: 'content:read',
  rest: { method: 'GET', path: '/api/v1/blocks/:cid/stat', tag: 'blocks' },
  cli: { command: ['block', 'stat'], args: ['cid'], lines: (block: z.infer<typeof blockInfo>) => [`${block.cid} ${block.size} bytes ${block.codec}`] },
  aliases: ['block/stat'],
  async run ({ service }, input, { signal }) {
    const stat = await service.blockStat(cidOf(input.cid), { signal })
    return { cid: stat.cid.toString(), size: stat.size, codec: codecName(stat.cid.code) }
  }
})
