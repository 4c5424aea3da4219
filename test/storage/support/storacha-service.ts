/**
 * Storacha's own upload service, in process, reachable over HTTP like https://up.storacha.network:
 * `@storacha/upload-api`'s server over the stores and external services of `@storacha/upload-api/test/context`
 * (three storage nodes that really take HTTP PUTs, an indexing service, a claims service), plus the small
 * receipts endpoint the real service has (`GET /receipt/<task cid>` → an agent message CAR holding the receipt).
 * The gateway in `storacha-gateway.ts` serves reads from what this service stored.
 *
 * `provision(space)` does what the Storacha console does for a paying account: it adds a storage provider to
 * the space (the service refuses uploads to unprovisioned spaces).
 */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Message, delegate } from '@ucanto/core'
import { toIslandLink } from '../../../node-relay/storage/storacha/island.ts'
import * as CAR from '@ucanto/transport/car'
import type { Receipt, Link, MultihashDigest, Signer, Delegation } from '@ucanto/interface'

/**
 * The part of `@storacha/upload-api`'s test context we use. Its published types import the `.ts` sources of
 * `@storacha/indexing-service-client`, which do not compile under our tsconfig (verbatimModuleSyntax), so the
 * package is loaded through a computed specifier and typed by this interface.
 */
export interface StorachaTestContext {
  id: { did: () => string }
  agentStore: { receipts: { get: (task: Link) => Promise<{ ok?: Receipt, error?: { message: string } }> } }
  provisionsStorage: { put: (item: { cause: unknown, provider: string, customer: string, consumer: string }) => Promise<{ ok?: unknown, error?: { message: string } }> }
  indexingService: {
    queryClaims: (query: { hashes: MultihashDigest[] }) => Promise<{ ok?: { claims: Map<string, unknown> }, error?: { message: string } }>
    invocationConfig: { issuer: Signer, audience: Signer, proofs: Delegation[] }
  }
}

interface UploadApiModule { createServer: (context: StorachaTestContext) => { request: (req: { headers: Record<string, string>, body: Uint8Array }) => Promise<{ status?: number, headers: Record<string, string>, body: Uint8Array }> } }
interface ContextModule {
  createContext: (options: { http: typeof http, requirePaymentPlan: boolean }) => Promise<StorachaTestContext>
  cleanupContext: (context: StorachaTestContext) => Promise<unknown>
}
const UPLOAD_API: string = '@storacha/upload-api'
const UPLOAD_API_CONTEXT: string = '@storacha/upload-api/test/context'

/** A running Storacha service stand-in. */
export interface StorachaService {
  /** Upload service URL (POST UCAN invocations here). */
  url: string
  /** The service's DID (`did:web:test.up.storacha.network`). */
  did: string
  /** The receipts endpoint. */
  receiptsUrl: string
  /** The service's stores and external services, for the gateway and for test assertions. */
  context: StorachaTestContext
  /** Give a space a storage provider so uploads to it are accepted. */
  provision: (spaceDid: string, accountDid: string) => Promise<void>
  stop: () => Promise<void>
}

async function readBody (req: http.IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return new Uint8Array(Buffer.concat(chunks))
}

/**
 * `node:http` for Storacha's test servers, with one fix: their storage node ends a GET with `response.end()` then
 * `response.destroy()` at once, which drops whatever the socket has not flushed yet, so a blob over a few hundred
 * KiB arrives truncated. Here `destroy()` waits until the response has finished.
 */
const flushingHttp: typeof http = {
  ...http,
  createServer: ((handler: (req: http.IncomingMessage, res: http.ServerResponse) => void) => http.createServer((req: http.IncomingMessage, res: http.ServerResponse) => {
    const destroy = res.destroy.bind(res)
    Object.defineProperty(res, 'destroy', {
      value: (error?: Error) => {
        if (res.writableFinished) destroy(error)
        else res.once('finish', () => destroy(error))
        return res
      }
    })
    // the socket is destroyed after each response: say so, or a client may send its next request on it (ECONNRESET)
    res.setHeader('connection', 'close')
    handler(req, res)
  })) as typeof http.createServer
}

/**
 * The test context lets the service publish index claims to its indexing service with a delegation that carries
 * the UCAN default lifetime (30 s), so `space/index/add` starts failing with `Unauthorized` half a minute after
 * start — fine for their unit tests, not for a test file or a benchmark. Re-issue it without expiry (same issuer,
 * audience and capability).
 */
async function renewIndexingProof (context: StorachaTestContext): Promise<void> {
  const { issuer, audience, proofs } = context.indexingService.invocationConfig
  const renewed = await delegate({ issuer: audience, audience: issuer, capabilities: [{ can: 'assert/*', with: audience.did() }], expiration: Infinity })
  proofs.splice(0, proofs.length, renewed)
}

/** Start the service on a free loopback port. */
export async function startStorachaService (): Promise<StorachaService> {
  const { createServer: createUploadServer } = await import(UPLOAD_API) as UploadApiModule
  const { createContext, cleanupContext } = await import(UPLOAD_API_CONTEXT) as ContextModule
  const context = await createContext({ http: flushingHttp, requirePaymentPlan: false })
  const server = createUploadServer(context)
  await renewIndexingProof(context)

  const serveReceipt = async (res: http.ServerResponse, task: string): Promise<void> => {
    const found = await context.agentStore.receipts.get(toIslandLink(task) as Link)
    if (found.ok === undefined) {
      res.writeHead(404).end()
      return
    }
    const message = await Message.build({ receipts: [found.ok] })
    const { headers, body } = CAR.request.encode(message)
    res.writeHead(200, headers).end(body)
  }

  const httpServer = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    const handle = async (): Promise<void> => {
      if (req.method === 'GET' && path.startsWith('/receipt/')) {
        await serveReceipt(res, path.slice('/receipt/'.length))
        return
      }
      if (req.method !== 'POST') {
        res.writeHead(405).end()
        return
      }
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]))
      const reply = await server.request({ headers, body: await readBody(req) })
      res.writeHead(reply.status ?? 200, reply.headers).end(reply.body)
    }
    handle().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err))
    })
  })
  // idle keep-alive sockets outlive any pause in a test: a server closing one just as the client reuses it resets the
  // request (ECONNRESET), which showed up under load as flaky uploads
  httpServer.keepAliveTimeout = 120_000
  httpServer.headersTimeout = 121_000
  await new Promise<void>(resolve => httpServer.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`

  return {
    url,
    did: context.id.did(),
    receiptsUrl: `${url}/receipt/`,
    context,
    provision: async (spaceDid, accountDid) => {
      const result = await context.provisionsStorage.put({
        cause: { link: () => toIslandLink('bafkqaaa') },
        provider: context.id.did(),
        customer: accountDid,
        consumer: spaceDid
      })
      if (result.error !== undefined) throw new Error(`provisioning failed: ${result.error.message}`)
    },
    stop: async () => {
      httpServer.closeAllConnections()
      await new Promise<void>(resolve => httpServer.close(() => resolve()))
      await cleanupContext(context)
    }
  }
}
