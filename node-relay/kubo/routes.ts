import { arch, platform } from 'node:os'
import { Readable } from 'node:stream'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { InvalidInputError } from '../../core/errors/index.ts'
import { NotSupportedError } from '../../core/storage/errors.ts'
import { parseCid } from '../../core/content/cid.ts'
import { nodeId } from '../operations/node/node-id.ts'
import { swarmPeers } from '../operations/node/swarm-peers.ts'
import { pinAdd } from '../operations/pins/pin-add.ts'
import { pinLs } from '../operations/pins/pin-ls.ts'
import { pinRm } from '../operations/pins/pin-rm.ts'
import { CODEC_CODES, decodeBlock, encodeValue } from '../operations/codecs.ts'
import { demandScope } from '../http/auth-guard.ts'
import { abortSignalOf } from '../http/abort.ts'
import { kuboAdd } from './add.ts'
import { argOf, argsOf, flagOf, numberOf, stringOf } from './args.ts'
import { kuboGet, kuboLs, kuboRefs } from './content.ts'
import { primedStream } from '../http/stream.ts'
import { kuboFailure } from './errors.ts'
import type { OperationComponents, RunOptions } from '../operations/operation.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { logErrorAnswer } from '../http/error-log.ts'
import { codeOf } from '../http/errors.ts'

/** Largest block `block/put` and `dag/put` take (Kubo's limit for a block: 1 MiB, soft 2 MiB here as elsewhere). */
const MAX_BLOCK_BYTES = 2 * 1024 * 1024

async function firstPartBytes (request: FastifyRequest): Promise<Uint8Array> {
  if (!request.isMultipart()) throw new InvalidInputError('send the data as a multipart/form-data file part')
  for await (const part of request.parts({ limits: { fileSize: MAX_BLOCK_BYTES, files: 1 } })) {
    if (part.type !== 'file') continue
    const bytes = await part.toBuffer()
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  throw new InvalidInputError('the body held no file part')
}

function codecCode (name: string): number {
  const code = (CODEC_CODES as Record<string, number | undefined>)[name]
  if (code === undefined) throw new NotSupportedError(`codec "${name}" is not supported: ${Object.keys(CODEC_CODES).join(', ')}`)
  return code
}

/**
 * The Kubo RPC subset at `/api/v0` (POST, as Kubo): what `kubo-rpc-client` and scripts written for Kubo call —
 * `add`, `cat`, `get`, `ls`, `refs`, `block get|put|stat`, `dag get|put`, `pin add|rm|ls`, `id`, `version`,
 * `swarm peers` — with Kubo's JSON shapes and its error body `{ Message, Code, Type }`. Pins, identity and peers go
 * through the operation table; reads and writes of bytes through the service, as the REST routes do. Anything else
 * under `/api/v0` answers 501 in Kubo's shape, naming what is missing; a GET answers 405, as Kubo does.
 */
export function kuboRoutes (app: FastifyInstance, components: OperationComponents, maxUploadBytes: number, version: string): void {
  const { service } = components
  const run = (request: FastifyRequest, reply: FastifyReply): RunOptions => ({
    signal: abortSignalOf(request, reply), demand: (scope) => { demandScope(request, scope) }, caller: request.principal?.name
  })

  app.register(async (scope) => {
    scope.setErrorHandler((err, request, reply) => {
      const { status, body } = kuboFailure(err)
      logErrorAnswer(request.log, err, status, codeOf(err), 'kubo rpc call failed')
      if (reply.sent || reply.raw.headersSent) {
        reply.raw.destroy(err instanceof Error ? err : undefined)
        return
      }
      void reply.status(status).type('application/json').send(body)
    })
    // Kubo answers bodies of any type on these routes; multipart is parsed by the handlers that take files
    scope.addContentTypeParser('*', (_request, payload, done) => { done(null, payload) })

    scope.post('/add', async (request, reply) => kuboAdd(service, request, reply, abortSignalOf(request, reply), maxUploadBytes))

    scope.post('/cat', async (request, reply) => {
      const signal = abortSignalOf(request, reply)
      const body = await primedStream(service.cat(argOf(request, 'ipfs-path'), { offset: numberOf(request, 'offset'), length: numberOf(request, 'length'), signal }))
      return reply.type('text/plain').header('x-stream-output', '1').send(body)
    })

    scope.post('/get', async (request, reply) => {
      const signal = abortSignalOf(request, reply)
      const target = argOf(request, 'ipfs-path')
      await service.stat(target, { signal }) // a missing path is a 404 before the tar starts
      return reply.type('application/x-tar').header('x-stream-output', '1').send(Readable.from(kuboGet(service, target, { signal }), { objectMode: false }))
    })

    scope.post('/ls', async (request, reply) => kuboLs(service, argOf(request, 'ipfs-path'), { signal: abortSignalOf(request, reply) }))

    scope.post('/refs', async (request, reply) => {
      const signal = abortSignalOf(request, reply)
      const lines = await primedStream((async function * () {
        for await (const line of kuboRefs(service, argOf(request, 'ipfs-path'), flagOf(request, 'recursive', false), flagOf(request, 'unique', false), { signal })) yield new TextEncoder().encode(line)
      })())
      return reply.type('application/x-ndjson').header('x-chunked-output', '1').send(lines)
    })

    scope.post('/block/get', async (request, reply) => {
      const bytes = await service.blockGet(parseCid(argOf(request, 'cid')), { signal: abortSignalOf(request, reply) })
      return reply.type('application/octet-stream').send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    })

    scope.post('/block/put', async (request, reply) => {
      const bytes = await firstPartBytes(request)
      const format = stringOf(request, 'format')
      const mhtype = stringOf(request, 'mhtype') ?? 'sha2-256'
      if (mhtype !== 'sha2-256') throw new NotSupportedError(`mhtype "${mhtype}" is not supported: only sha2-256`)
      const codec = codecCode(stringOf(request, 'cid-codec') ?? (format === 'v0' || format === 'protobuf' ? 'dag-pb' : format === 'cbor' ? 'dag-cbor' : 'raw'))
      const cid = format === 'v0' ? CID.createV0(await sha256.digest(bytes)) : undefined
      const stat = await service.blockPut(bytes, { codec, ...(cid === undefined ? {} : { cid }), signal: abortSignalOf(request, reply) })
      if (flagOf(request, 'pin', false)) await pinAdd.run(components, { cid: stat.cid.toString(), recursive: false }, run(request, reply))
      return { Key: stat.cid.toString(), Size: stat.size }
    })

    scope.post('/block/rm', async (request, reply) => {
      const force = flagOf(request, 'force', false)
      const lines: string[] = []
      for (const arg of argsOf(request)) {
        try {
          await service.blockRm(parseCid(arg), { signal: abortSignalOf(request, reply) })
          lines.push(JSON.stringify({ Hash: arg }))
        } catch (err) {
          // as Kubo: a missing block is fine with --force; any other failure is reported on its line
          if (force && err instanceof Error && 'code' in err && err.code === 'ERR_NOT_FOUND') continue
          lines.push(JSON.stringify({ Hash: arg, Error: err instanceof Error ? err.message : String(err) }))
        }
      }
      if (lines.length === 0 && argsOf(request).length === 0) throw new InvalidInputError('argument "cid" is required')
      return reply.type('application/x-ndjson').send(lines.join('\n') + (lines.length > 0 ? '\n' : ''))
    })

    scope.post('/block/stat', async (request, reply) => {
      const stat = await service.blockStat(parseCid(argOf(request, 'cid')), { signal: abortSignalOf(request, reply) })
      return { Key: stat.cid.toString(), Size: stat.size }
    })

    scope.post('/dag/put', async (request, reply) => {
      const bytes = await firstPartBytes(request)
      const store = stringOf(request, 'store-codec') ?? 'dag-cbor'
      const input = stringOf(request, 'input-codec') ?? 'dag-json'
      if (store !== 'dag-cbor' && store !== 'dag-json' && store !== 'raw') throw new NotSupportedError(`store-codec "${store}" is not supported: dag-cbor, dag-json or raw`)
      const inputCode = codecCode(input)
      const value = decodeBlock(CID.createV1(inputCode, await sha256.digest(bytes)), bytes)
      const encoded = store === 'raw' ? bytes : input === store ? bytes : encodeValue(value, store)
      const stat = await service.blockPut(encoded, { codec: codecCode(store), signal: abortSignalOf(request, reply) })
      if (flagOf(request, 'pin', false)) await pinAdd.run(components, { cid: stat.cid.toString() }, run(request, reply))
      return { Cid: { '/': stat.cid.toString() } }
    })

    scope.post('/dag/get', async (request, reply) => {
      const codec = stringOf(request, 'output-codec') ?? 'dag-json'
      if (codec !== 'dag-json' && codec !== 'dag-cbor') throw new NotSupportedError(`output-codec "${codec}" is not supported: dag-json or dag-cbor`)
      const cid = parseCid(argOf(request, 'ref'))
      const value = decodeBlock(cid, await service.blockGet(cid, { signal: abortSignalOf(request, reply) }))
      const bytes = encodeValue(value, codec)
      return reply.type(codec === 'dag-json' ? 'application/json' : 'application/cbor').send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    })

    scope.post('/dag/export', async (request, reply) => {
      const signal = abortSignalOf(request, reply)
      const body = await primedStream(service.exportCar(parseCid(argOf(request, 'root')), { signal }))
      return reply.type('application/vnd.ipld.car').header('x-stream-output', '1').send(body)
    })

    scope.post('/dag/import', async (request, reply) => {
      if (!request.isMultipart()) throw new InvalidInputError('dag import takes CAR files as multipart/form-data parts')
      const pinRoots = flagOf(request, 'pin-roots', true)
      const lines: string[] = []
      for await (const part of request.parts({ limits: { fileSize: maxUploadBytes, files: 100 } })) {
        if (part.type !== 'file') continue
        // every block is verified before anything is kept (the same import as POST /api/v1/car)
        const result = await service.importCar(part.file as AsyncIterable<Uint8Array>, { pin: pinRoots, signal: abortSignalOf(request, reply) })
        for (const root of result.roots) lines.push(JSON.stringify({ Root: { Cid: { '/': root.toString() }, PinErrorMsg: '' } }))
      }
      return reply.type('application/x-ndjson').send(lines.join('\n') + (lines.length > 0 ? '\n' : ''))
    })

    scope.post('/pin/add', async (request, reply) => {
      const pins: string[] = []
      const name = stringOf(request, 'name')
      for (const arg of argsOf(request)) {
        const pin = await pinAdd.run(components, { cid: arg.replace(/^\/ipfs\//, ''), recursive: flagOf(request, 'recursive', true), ...(name === undefined ? {} : { name }) }, run(request, reply)) as { cid: string }
        pins.push(pin.cid)
      }
      if (pins.length === 0) throw new InvalidInputError('argument "ipfs-path" is required')
      return { Pins: pins }
    })

    scope.post('/pin/rm', async (request, reply) => {
      const pins: string[] = []
      for (const arg of argsOf(request)) pins.push((await pinRm.run(components, { cid: arg.replace(/^\/ipfs\//, '') }, run(request, reply)) as { cid: string }).cid)
      if (pins.length === 0) throw new InvalidInputError('argument "ipfs-path" is required')
      return { Pins: pins }
    })

    scope.post('/pin/ls', async (request, reply) => {
      const type = stringOf(request, 'type') ?? 'all'
      if (!['all', 'recursive', 'direct', 'indirect'].includes(type)) throw new InvalidInputError(`type must be all, recursive, direct or indirect, got "${type}"`)
      const args = argsOf(request)
      const found: Array<{ Cid: string, Type: string, Name: string }> = []
      for (const cid of args.length === 0 ? [undefined] : args.map(a => a.replace(/^\/ipfs\//, ''))) {
        const { pins } = await pinLs.run(components, { ...(cid === undefined ? {} : { cid }), limit: 1_000_000 }, run(request, reply)) as { pins: Array<{ cid: string, name: string, recursive: boolean }> }
        if (cid !== undefined && pins.length === 0) throw new InvalidInputError(`path '${cid}' is not pinned`)
        for (const pin of pins) found.push({ Cid: pin.cid, Type: pin.recursive ? 'recursive' : 'direct', Name: pin.name })
      }
      const wanted = found.filter(p => type === 'all' || p.Type === type)
      if (flagOf(request, 'stream', false)) return reply.type('application/x-ndjson').send(wanted.map(p => JSON.stringify(p)).join('\n') + (wanted.length > 0 ? '\n' : ''))
      return { Keys: Object.fromEntries(wanted.map(p => [p.Cid, { Type: p.Type, Name: p.Name }])) }
    })

    scope.post('/id', async (request, reply) => {
      const id = await nodeId.run(components, {}, run(request, reply)) as { peerId: string, addresses: string[], agentVersion: string, protocols: string[] }
      return { ID: id.peerId, PublicKey: '', Addresses: id.addresses.map(a => a.includes('/p2p/') ? a : `${a}/p2p/${id.peerId}`), AgentVersion: id.agentVersion, Protocols: id.protocols }
    })

    scope.post('/version', async () => ({ Version: version, Commit: '', Repo: '', System: `${arch()}/${platform()}`, Golang: '' }))

    scope.post('/swarm/peers', async (request, reply) => {
      const { peers } = await swarmPeers.run(components, {}, run(request, reply)) as { peers: Array<{ peerId: string, addr: string, direction: string }> }
      return { Peers: peers.map(p => ({ Addr: p.addr.replace(/\/p2p\/[^/]+$/, ''), Peer: p.peerId, Direction: p.direction === 'inbound' ? 1 : 2, Latency: '', Muxer: '', Streams: null })) }
    })

    scope.post('/*', async (request) => {
      const command = request.url.split('?')[0]?.replace(/^\/api\/v0\//, '') ?? ''
      throw new NotSupportedError(`ipfs-kit does not implement "${command}" of the Kubo RPC; what it does implement is listed in docs/COMPATIBILITY.md`)
    })
    scope.get('/*', async (_request, reply) => reply.status(405).send({ Message: 'the Kubo RPC takes POST requests only (405)', Code: 1, Type: 'error' }))
  }, { prefix: '/api/v0' })
}
