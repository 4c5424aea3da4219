import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js'
import { ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js'
import { parseCid } from '../../core/content/cid.ts'
import { asText, collectLimited, encodeBase64 } from './bytes.ts'
import { decodeBlock, toJsonValue } from '../operations/codecs.ts'
import { mediaTypeOf } from './media-type.ts'
import { toolError, ERROR_META_KEY } from './tool-result.ts'
import type { McpToolContext } from './context.ts'
import type { EventBus } from '../../core/events/bus.ts'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js'

/** JSON-RPC error code the MCP spec gives to "resource not found". */
const RESOURCE_NOT_FOUND = -32002
/** Pinned CIDs listed as resources at most. */
const MAX_LISTED_PINS = 1000
/** Directory entries shown when a directory is read as a resource. */
const MAX_LISTED_ENTRIES = 1000

/** A failure while reading a resource, as a JSON-RPC error carrying the stable code: `data: { code, status }`. */
function resourceError (err: unknown): McpError {
  const result = toolError(err)
  const meta = result._meta?.[ERROR_META_KEY] as { code: string, status: number }
  const first = result.content[0]
  const message = first?.type === 'text' ? first.text : meta.code
  const rpcCode = meta.status === 404 ? RESOURCE_NOT_FOUND : meta.status < 500 ? ErrorCode.InvalidParams : ErrorCode.InternalError
  return new McpError(rpcCode, message, meta)
}

async function readContent (ctx: McpToolContext, uri: URL, cidText: string, signal: AbortSignal): Promise<ReadResourceResult> {
  const cid = parseCid(cidText)
  const stat = await ctx.service.stat(cid, { signal })
  const json = (value: unknown): ReadResourceResult => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] })
  if (stat.type === 'directory') {
    const entries = []
    for await (const entry of ctx.service.ls(cid, { signal })) {
      if (entries.length === MAX_LISTED_ENTRIES) break
      entries.push({ name: entry.name, cid: entry.cid.toString(), type: entry.type, size: entry.size, uri: `ipfs://${entry.cid.toString()}` })
    }
    return json({ cid: cid.toString(), type: 'directory', entries })
  }
  if (stat.type === 'object') return json(toJsonValue(decodeBlock(cid, await ctx.service.blockGet(cid, { signal }))))
  const tooLarge = (): string => `${cid.toString()} is ${stat.size} bytes, over the ${ctx.maxInlineBytes}-byte resource limit; read it in pages with the ipfs_cat tool (offset/length)`
  const bytes = await collectLimited(ctx.service.cat(cid, { signal }), ctx.maxInlineBytes, tooLarge, { signal })
  const text = asText(bytes)
  const mimeType = mediaTypeOf(bytes, text !== undefined)
  return { contents: [text !== undefined ? { uri: uri.href, mimeType, text } : { uri: uri.href, mimeType, blob: encodeBase64(bytes) }] }
}

/**
 * Resources: `ipfs://{cid}` (content with a media type, size-limited; pinned CIDs are listed) and `ipfs-kit://node`
 * (node status).
 */
export function registerResources (server: McpServer, ctx: McpToolContext): void {
  const template = new ResourceTemplate('ipfs://{cid}', {
    list: async (extra) => {
      const resources = []
      for await (const pin of ctx.service.pinLs({ signal: extra.signal })) {
        if (resources.length === MAX_LISTED_PINS) break
        const cid = pin.cid.toString()
        resources.push({ uri: `ipfs://${cid}`, name: pin.name !== '' ? pin.name : cid, description: `pinned ${cid}` })
      }
      return { resources }
    }
  })
  server.registerResource('content', template, {
    title: 'IPFS content',
    description: `A file (bytes, with a media type), a directory (JSON listing) or an IPLD node (JSON) by CID, verified; at most ${ctx.maxInlineBytes} bytes (use the ipfs_cat tool for bigger files). Pinned CIDs are listed.`
  }, async (uri, variables, extra) => {
    try {
      const cid = variables.cid
      return await readContent(ctx, uri, Array.isArray(cid) ? cid.join('') : cid ?? '', extra.signal)
    } catch (err) {
      throw resourceError(err)
    }
  })

  server.registerResource('node', 'ipfs-kit://node', {
    title: 'Node status',
    description: 'This node\'s peer id, addresses, protocols and connected peers (JSON).',
    mimeType: 'application/json'
  }, async (uri) => {
    const peers = ctx.service.peers()
    const status = { ...ctx.service.id(), peerCount: peers.length, peers }
    return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(status, null, 2) }] }
  })
}

/**
 * Send `notifications/resources/list_changed` when pins change (`pin:added` / `pin:removed` on the bus), coalescing
 * bursts into one notification. Returns the function that stops watching.
 */
export function notifyPinChanges (server: McpServer, events: EventBus, delayMs = 50): () => void {
  let timer: NodeJS.Timeout | undefined
  const unsubscribe = events.subscribe(event => {
    if (event.type !== 'pin:added' && event.type !== 'pin:removed') return
    timer ??= setTimeout(() => {
      timer = undefined
      if (server.isConnected()) server.sendResourceListChanged()
    }, delayMs)
  })
  return () => {
    unsubscribe()
    clearTimeout(timer)
  }
}
