import { z } from 'zod'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { nameField } from '../fields.ts'
import { defineUpload } from '../operation.ts'

/** `car_import`: a CAR, every block verified before anything is kept. */
export const carImport = defineUpload({
  kind: 'upload',
  name: 'car_import',
  title: 'Import a CAR',
  description: 'Import a CAR (v1 or v2), streamed: every block is verified against its CID before anything is kept, so a bad CAR leaves nothing behind; its roots are pinned unless `pin` is false.',
  input: z.object({
    pin: z.boolean().optional().describe('pin the CAR\'s roots (default true)'),
    name: nameField('name recorded on the roots\' pins').optional()
  }),
  output: z.object({
    roots: z.array(z.string()).describe('the CAR\'s root CIDs'),
    blocks: z.number().describe('blocks in the CAR (all verified)'),
    newBlocks: z.number().describe('blocks that were not already stored'),
    bytes: z.number().describe('bytes of block data')
  }),
  annotations: { readOnly: false, destructive: false, idempotent: true, openWorld: false },
  scope: 'content:write',
  rest: { method: 'POST', path: '/api/v1/car', tag: 'car' },
  cli: {
    command: ['car', 'import'],
    lines: output => [`imported ${output.blocks} blocks (${output.newBlocks} new, ${output.bytes} bytes)`, ...output.roots.map(root => `root ${root}`)]
  },
  aliases: ['dag/import'],
  upload: { accepts: 'bytes', description: 'the CAR file', mediaTypes: ['application/vnd.ipld.car', 'application/octet-stream'] },
  async run ({ service }, input, upload, { signal }) {
    if (upload.kind !== 'bytes') throw new InvalidInputError('a CAR is one file')
    const result = await service.importCar(upload.body, { pin: input.pin, name: input.name, signal })
    return { ...result, roots: result.roots.map(String) }
  }
})
