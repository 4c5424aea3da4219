import { z } from 'zod'
import { cidField, cidOf } from '../fields.ts'
import { defineDownload } from '../operation.ts'
import { primed } from '../primed.ts'

/** `car_export`: a DAG as a CARv1 stream. */
export const carExport = defineDownload({
  kind: 'download',
  name: 'car_export',
  title: 'Export a DAG as a CAR',
  description: 'Export the DAG under a CID as a CARv1, every block verified (missing blocks are fetched from peers). REST and the CLI stream it; MCP returns it as a base64 blob up to its inline limit.',
  input: z.object({ cid: cidField('root CID of the DAG to export') }),
  output: z.object({ cid: z.string().describe('the root exported') }),
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: true },
  scope: 'content:read',
  rest: { method: 'GET', path: '/api/v1/car/:cid', tag: 'car' },
  cli: { command: ['car', 'export'], args: ['cid'] },
  aliases: ['dag/export'],
  async open ({ service }, input, { signal }) {
    const cid = cidOf(input.cid)
    return {
      output: { cid: cid.toString() },
      body: await primed(service.exportCar(cid, { signal })),
      mediaType: 'application/vnd.ipld.car; version=1',
      filename: `${cid.toString()}.car`
    }
  }
})
