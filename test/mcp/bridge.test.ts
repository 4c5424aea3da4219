/**
 * `ipfs-kit mcp` with a relay running: the agent's stdio session is passed through to the relay's `/mcp`, so tools act
 * on the relay's node (what the CLI and the app see), not on an isolated embedded node.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { CID } from 'multiformats/cid'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { expect } from 'vitest'
import { EXIT } from '../../node-relay/cli/exit.ts'
import { startTestRelay } from '../relay/support.ts'
import { callOk } from './support.ts'
import type { TestRelay } from '../relay/support.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

let relay: TestRelay
beforeAll(async () => { relay = await startTestRelay() })
afterAll(async () => { await relay?.destroy() })

describe('ipfs-kit mcp with a running relay', { timeout: 60_000 }, () => {
  it('serves the relay\'s node: what the agent adds is on the relay, and the relay\'s cluster tools are listed', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [MAIN, '--api', relay.url, 'mcp'], cwd: ROOT, stderr: 'pipe' })
    let stderr = ''
    transport.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    const client = new Client({ name: 'ipfs-kit-test', version: '1.0.0' })
    await client.connect(transport)
    try {
      const tools = (await client.listTools()).tools.map(t => t.name)
      expect(tools).toEqual(expect.arrayContaining(['ipfs_add', 'pin_ls', 'cluster_info', 'storage_put']))
      const { cid } = await callOk<{ cid: string }>(client, 'ipfs_add', { text: `through the bridge ${Math.random()}` })
      expect(await relay.node.blockstore.has(CID.parse(cid))).toBe(true)
      const info = await callOk<{ peerId: string }>(client, 'node_id')
      expect(info.peerId).toBe(relay.node.libp2p.peerId.toString())
      expect(stderr).toContain(`serving the relay at ${relay.url}`)
    } finally {
      await client.close()
    }
  })

  it('fails clearly when --api names a relay that does not answer, instead of embedding a node', async () => {
    const child = spawn(process.execPath, [MAIN, '--api', 'http://127.0.0.1:9', 'mcp'], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    const code = await new Promise<number | null>((resolve) => { child.once('close', resolve) })
    expect(code).toBe(EXIT.unreachable)
    expect(stderr).toContain('no relay answered at http://127.0.0.1:9')
  })
})
