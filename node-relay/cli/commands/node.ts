import { Command } from 'commander'
import { z } from 'zod'
import { contextOf, printResult } from '../context.ts'

const idSchema = z.looseObject({
  peerId: z.string(),
  addresses: z.array(z.string()),
  agentVersion: z.string().optional(),
  protocols: z.array(z.string()).optional()
})

const peersSchema = z.looseObject({
  peers: z.array(z.looseObject({ peerId: z.string(), addr: z.string(), direction: z.string().optional(), limited: z.boolean().optional() }))
})

/** `ipfs-kit id`: the relay's peer id, agent and addresses. */
export function idCommand (): Command {
  return new Command('id')
    .description('show the relay\'s peer id and addresses')
    .action(async (_flags: object, command: Command) => {
      const context = contextOf(command)
      const id = await context.client.json('/api/v1/id', idSchema)
      printResult(context, id, () => [
        `peer id  ${id.peerId}`,
        ...id.agentVersion === undefined ? [] : [`agent    ${id.agentVersion}`],
        ...id.addresses.map(a => `address  ${a}`)
      ])
    })
}

/** `ipfs-kit peers`: the relay's open connections, one a line. */
export function peersCommand (): Command {
  return new Command('peers')
    .description('list the peers the relay is connected to')
    .action(async (_flags: object, command: Command) => {
      const context = contextOf(command)
      const { peers } = await context.client.json('/api/v1/peers', peersSchema)
      printResult(context, { peers }, () => peers.map(p => [p.peerId, p.direction ?? '', p.addr, p.limited === true ? '(relayed)' : ''].filter(s => s !== '').join('  ')))
    })
}
