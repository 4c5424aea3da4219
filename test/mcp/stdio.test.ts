import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { call, callOk, errorCodeOf } from './support.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const STDIO_MAIN = join(ROOT, 'node-relay/mcp/stdio-main.ts')
const INSPECTOR = join(ROOT, 'node_modules/.bin/mcp-inspector')
const run = promisify(execFile)

describe('MCP over stdio (ipfs-kit mcp)', { timeout: 120_000 }, () => {
  let dir: string
  let client: Client
  let transport: StdioClientTransport
  const transportErrors: Error[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-mcp-stdio-'))
    transport = new StdioClientTransport({ command: process.execPath, args: [STDIO_MAIN, '--data-dir', join(dir, 'node')], cwd: ROOT, stderr: 'pipe' })
    client = new Client({ name: 'ipfs-kit-test', version: '1.0.0' })
    await client.connect(transport)
    // a line on stdout that is not JSON-RPC (a stray console.log) would surface here
    transport.onerror = (err) => { transportErrors.push(err) }
  }, 120_000)

  afterAll(async () => {
    await client?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('offers local `path` arguments, since the server runs on the agent\'s machine', async () => {
    const { tools } = await client.listTools()
    // every capability of the embedded node, as issue 7 lists them
    expect(tools.map(t => t.name)).to.include.members([
      'ipfs_add', 'ipfs_cat', 'ipfs_ls', 'ipfs_stat', 'pin_add', 'pin_rm', 'pin_ls', 'block_get', 'block_put', 'block_stat',
      'dag_get', 'dag_put', 'car_export', 'car_import', 'node_id', 'swarm_peers', 'cluster_info', 'cluster_status', 'cluster_pins',
      'cluster_peers', 'cluster_pin', 'cluster_unpin', 'cluster_recover', 'backend_list', 'backend_status', 'storage_put',
      'storage_fetch', 'storage_refs', 'search'
    ])
    for (const name of ['ipfs_add', 'car_export', 'car_import']) {
      expect(tools.find(t => t.name === name)?.inputSchema.properties, name).to.have.property('path')
    }
  })

  it('adds a local directory by path and reads a file of it back', async () => {
    const src = join(dir, 'photos')
    await mkdir(join(src, '2026'), { recursive: true })
    await writeFile(join(src, '2026', 'cat.txt'), 'a cat')
    await writeFile(join(src, 'index.md'), '# photos')
    await writeFile(join(dir, 'notes.txt'), 'notes')
    const added = await callOk<{ cid: string, entries: Array<{ path: string }> }>(client, 'ipfs_add', { path: src, name: 'photos' })
    expect(added.entries.map(e => e.path)).to.include.members(['photos/2026/cat.txt', 'photos/index.md', 'photos'])
    const cat = await call(client, 'ipfs_cat', { cid: `${added.cid}/photos/2026/cat.txt` })
    expect(cat.content[0]).to.deep.equal({ type: 'text', text: 'a cat' })
    const single = await callOk<{ cid: string, size: number }>(client, 'ipfs_add', { path: join(dir, 'notes.txt') })
    expect(single.size).to.equal(5)
    expect(errorCodeOf(await call(client, 'ipfs_add', { path: join(dir, 'missing') }))).to.equal('ERR_INVALID_INPUT')
  })

  it('adds a file again that is already inside a pinned directory', async () => {
    const { cid } = await callOk<{ cid: string }>(client, 'ipfs_add', { files: [{ path: 'inner.txt', text: 'inner' }] })
    expect(cid).to.be.a('string')
    expect(await callOk(client, 'ipfs_add', { text: 'inner' })).to.include({ pinned: true })
  })

  it('exports a CAR to a local file and imports it back, never overwriting a file', async () => {
    const { cid } = await callOk<{ cid: string }>(client, 'ipfs_add', { text: 'car content' })
    const carPath = join(dir, 'out.car')
    const exported = await callOk<{ bytes: number, path: string }>(client, 'car_export', { cid, path: carPath })
    expect(exported.bytes).to.equal((await stat(carPath)).size)
    expect(errorCodeOf(await call(client, 'car_export', { cid, path: carPath }))).to.equal('ERR_INVALID_INPUT')
    expect((await readFile(carPath)).byteLength).to.equal(exported.bytes)
    expect(await callOk(client, 'car_import', { path: carPath })).to.deep.include({ roots: [cid], blocks: 1 })
  })

  it('returns isError with a code for a bad CID, and stdout carries only protocol messages', async () => {
    const bad = await call(client, 'ipfs_stat', { cid: 'xyz' })
    expect(bad.isError).to.equal(true)
    expect(errorCodeOf(bad)).to.equal('ERR_INVALID_CID')
    expect(await callOk(client, 'node_id')).to.have.property('peerId').that.matches(/^12D3KooW/)
    expect(transportErrors).to.deep.equal([])
  })

  it('stops the node and exits 0 when the client closes stdin', async () => {
    const child = spawn(process.execPath, [STDIO_MAIN, '--data-dir', join(dir, 'exit-node')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] })
    const stdout: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => { stdout.push(chunk) })
    child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }) + '\n')
    await expect.poll(() => Buffer.concat(stdout).toString(), { timeout: 90_000 }).toContain('"id":1')
    child.stdin.end()
    const [code] = await once(child, 'exit') as [number | null]
    expect(code).to.equal(0)
    expect(JSON.parse(Buffer.concat(stdout).toString().trim())).to.have.nested.property('result.serverInfo.name', 'ipfs-kit')
  })

  it('works with @modelcontextprotocol/inspector --cli: lists tools and calls one', async () => {
    const env = { ...process.env, MCP_CATALOG_PATH: join(dir, 'inspector-catalog.json') }
    const server = ['--', process.execPath, STDIO_MAIN, '--data-dir', join(dir, 'inspector-node')]
    const listed = await run(process.execPath, [INSPECTOR, '--cli', '--method', 'tools/list', '--connect-timeout', '90000', ...server], { cwd: ROOT, env })
    const { tools } = JSON.parse(listed.stdout) as { tools: Array<{ name: string }> }
    expect(tools.map(t => t.name)).to.include.members(['ipfs_add', 'ipfs_cat', 'pin_ls', 'dag_get'])
    const called = await run(process.execPath, [INSPECTOR, '--cli', '--method', 'tools/call', '--tool-name', 'ipfs_add', '--tool-arg', 'text=hello inspector', '--connect-timeout', '90000', ...server], { cwd: ROOT, env })
    expect(JSON.parse(called.stdout)).to.have.nested.property('structuredContent.size', 15)
  })
})
