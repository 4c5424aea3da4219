import { z } from 'zod'
import { clusterOf } from '../components.ts'
import { defineOperation } from '../operation.ts'
import { cidStatusShape, statusLines } from './shapes.ts'

const output = z.object({ pins: z.array(cidStatusShape).describe('every pin of the pinset with its status across peers') })

/** `cluster_pins`: the whole pinset with statuses. */
export const clusterPins = defineOperation({
  name: 'cluster_pins',
  title: 'Cluster pinset',
  description: 'Every pin in the cluster pinset with its state on each peer and its replication health.',
  input: z.object({}),
  output,
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:read',
  requires: ['cluster'],
  rest: { method: 'GET', path: '/api/v1/cluster/pins', tag: 'cluster' },
  cli: { command: ['cluster', 'ls'], lines: (out: z.infer<typeof output>) => out.pins.flatMap(statusLines) },
  aliases: ['pins/ls'],
  async run (components) {
    return { pins: clusterOf(components).statusAll() }
  }
})
