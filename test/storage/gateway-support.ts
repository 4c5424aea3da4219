/**
 * A hostile network edge for gateway tests: a tiny node:http gateway that forwards to a real one (our relay) and
 * can corrupt, truncate or delay what it forwards.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the proxy does to the answers it forwards. */
export type ProxyMode = 'pass' | 'corrupt' | 'delay'

/** A running proxy gateway. */
export interface ProxyGateway {
  url: string
  /** Change behaviour; `corruptRoots` limits corruption to those CIDs (all when empty). */
  mode: ProxyMode
  corruptRoots: Set<string>
  /** Delay before headers in `delay` mode. */
  delayMs: number
  /** Requests received, by path. */
  requests: string[]
  /** Requests whose client went away before the answer was sent (cancelled race losers). */
  cancelled: number
  stop: () => Promise<void>
}

/** Start a proxy in front of `upstream` (a gateway base URL) on a free port. */
export async function startProxyGateway (upstream: string, mode: ProxyMode = 'pass'): Promise<ProxyGateway> {
  const proxy: ProxyGateway = { url: '', mode, corruptRoots: new Set(), delayMs: 2_000, requests: [], cancelled: 0, stop: async () => {} }
  const server = createServer((req, res) => {
    const path = req.url ?? '/'
    proxy.requests.push(path)
    let gone = false
    res.on('close', () => { if (!res.writableFinished) { gone = true; proxy.cancelled++ } })
    void (async () => {
      if (proxy.mode === 'delay') await new Promise(resolve => setTimeout(resolve, proxy.delayMs))
      if (gone) return
      const headers: Record<string, string> = {}
      for (const name of ['accept', 'cache-control']) {
        const value = req.headers[name]
        if (typeof value === 'string') headers[name] = value
      }
      const upstreamRes = await fetch(`${upstream}${path}`, { method: req.method, headers })
      // headers go out as soon as upstream sends them; a body upstream cuts is cut here too
      res.writeHead(upstreamRes.status, { 'content-type': upstreamRes.headers.get('content-type') ?? 'application/octet-stream' })
      res.flushHeaders()
      const body = new Uint8Array(await upstreamRes.arrayBuffer())
      const root = /^\/ipfs\/([^/?]+)/.exec(path)?.[1] ?? ''
      const isCar = (upstreamRes.headers.get('content-type') ?? '').includes('application/vnd.ipld.car')
      if (proxy.mode === 'corrupt' && isCar && body.byteLength > 0 && (proxy.corruptRoots.size === 0 || proxy.corruptRoots.has(root))) {
        body[body.byteLength - 1] = (body[body.byteLength - 1] ?? 0) ^ 0xff
      }
      res.end(req.method === 'HEAD' ? undefined : body)
    })().catch(() => { res.destroy() })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  proxy.stop = async () => {
    server.closeAllConnections()
    await new Promise<void>(resolve => server.close(() => { resolve() }))
  }
  return proxy
}
