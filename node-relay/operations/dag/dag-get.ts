import { z } from 'zod'
import { parseIpfsPath } from '../../../core/content/cid.ts'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { codecName, toJsonValue } from '../codecs.ts'
import { defineOperation } from '../operation.ts'
import { MAX_PATH_SEGMENTS, resolveDagPath } from './resolve.ts'

/** `dag_get`: an IPLD node as JSON, optionally a path inside it. */
export const dagGet = defineOperation({
  name: 'dag_get',
  title: 'Read an IPLD node as JSON',
  description: 'Decode a block (dag-cbor, dag-json, dag-pb, json or raw) to JSON in DAG-JSON form: links are {"/": "<cid>"}, bytes are {"/": {"bytes": "<base64>"}}. A `path` walks into the value and follows links across blocks, e.g. `Links/0/Hash` on dag-pb.',
  input: z.object({
    cid: z.string().min(1).max(4096).describe('CID of the block, optionally followed by a path: `<cid>/a/0/b`'),
    path: z.string().max(4096).optional().describe('path inside the value, `/`-separated (map keys and list indexes); links on the way are followed')
  }),
  output: z.object({
    cid: z.string().describe('CID of the block the value was read from (after following links)'),
    codec: z.string().describe('codec of that block'),
    path: z.string().describe('the path resolved ("" for the whole block)'),
    value: z.unknown().describe('the value, as DAG-JSON-style JSON')
  }),
  annotations: { readOnly: true, destructive: false, idempotent: true, openWorld: true },
  scope: 'content:read',
  rest: { method: 'GET', path: '/api/v1/dag/:cid', subpath: true, tag: 'dag' },
  cli: { command: ['dag', 'get'], args: ['cid'], lines: output => [JSON.stringify(output.value, null, 2)] },
  async run ({ service }, input, { signal }) {
    const { cid: root, path: inCid } = parseIpfsPath(input.cid)
    const segments = [inCid, input.path ?? ''].join('/').split('/').filter(s => s.length > 0)
    if (segments.length > MAX_PATH_SEGMENTS) throw new InvalidInputError(`path has more than ${MAX_PATH_SEGMENTS} segments`)
    const { cid, value } = await resolveDagPath(service, root, segments, signal)
    return { cid: cid.toString(), codec: codecName(cid.code), path: segments.join('/'), value: toJsonValue(value) }
  }
})
