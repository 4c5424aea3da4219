/**
 * RelayLink with several relays, on real libp2p nodes over TCP in this process (the browser node's link does the
 * same over WebSockets; test/e2e/failover.e2e.test.ts covers that in Chromium): it starts on the first relay that
 * answers, moves to the next when the one it is on stops, and goes round the list, backing off, while none answers.
 */
import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { RelayLink } from '../../app/node/relay-link.ts'
import { startTcpNode } from '../support/tcp-node.ts'
import type { Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { AddressInfo } from 'node:net'

const running: Libp2p[] = []
const links: RelayLink[] = []

/** A loopback port nothing listens on now (bound, then released). */
async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

/** A started node; on a fixed `port` when given, so it comes back on the same address after a restart. */
async function node (port = 0): Promise<Libp2p> {
  const started = await startTcpNode(port)
  running.push(started)
  return started
}

/** A node's address with its peer id (what the link dials). */
function addrOf (peer: Libp2p): Multiaddr {
  const addr = peer.getMultiaddrs()[0]
  if (addr === undefined) throw new Error('node has no address')
  return addr
}

async function until (check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise(resolve => setTimeout(resolve, 50))
  if (!check()) throw new Error(`never happened: ${what}`)
}

afterEach(async () => {
  for (const link of links.splice(0)) link.stop()
  await Promise.all(running.splice(0).map(async n => n.stop()))
})

describe('RelayLink with several relays', () => {
  it('starts on the first relay, and moves to the next at once when it stops', async () => {
    const [client, r1, r2, r3] = await Promise.all([node(), node(), node(), node()])
    const link = new RelayLink(client, [addrOf(r1), addrOf(r2), addrOf(r3)], { dialTimeoutMs: 2_000, retryDelayMs: 60_000 })
    links.push(link)
    await link.start()
    expect(link.active()?.toString()).toBe(addrOf(r1).toString())
    expect(link.addresses()).toHaveLength(3)

    const second = addrOf(r2).toString()
    await r1.stop()
    // no backoff is involved (retryDelayMs is a minute): the next relay is dialled as soon as the first one leaves
    await until(() => link.active()?.toString() === second, 'on relay 2')
    expect(link.connected()).toBe(true)
  })

  it('skips a relay that is down, at start and on failover', async () => {
    const [client, r1, r2, r3] = await Promise.all([node(), node(), node(), node()])
    const relays = [addrOf(r1), addrOf(r2), addrOf(r3)]
    await r1.stop()
    const link = new RelayLink(client, relays, { dialTimeoutMs: 2_000, retryDelayMs: 60_000 })
    links.push(link)
    await link.start()
    expect(link.active()?.toString()).toBe(relays[1]?.toString())

    // relay 2 goes; relay 3 is next in the list and answers
    await r2.stop()
    await until(() => link.active()?.toString() === relays[2]?.toString(), 'on relay 3')
  })

  it('with every relay down it still starts, and connects when one comes back', async () => {
    const [client, r1, r2] = await Promise.all([node(), node(), node(await freePort())])
    const relays = [addrOf(r1), addrOf(r2)]
    await Promise.all([r1.stop(), r2.stop()])
    const link = new RelayLink(client, relays, { dialTimeoutMs: 1_000, retryDelayMs: 100, maxRetryDelayMs: 400 })
    links.push(link)
    await link.start()
    expect(link.connected()).toBe(false)
    await r2.start()
    await until(() => link.active()?.toString() === relays[1]?.toString(), 'on relay 2 once it is back')
  })

  it('needs at least one relay', async () => {
    const client = await node()
    expect(() => new RelayLink(client, [])).toThrow(/at least one relay/)
  })
})
