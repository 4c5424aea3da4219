import { randomBytes } from 'node:crypto'
import { ResourceListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { startTestRelay } from '../relay/support.ts'
import { call, callOk, connectHttp, errorCodeOf, startMcpHttp, textOf } from './support.ts'
import type { McpHttpStand } from './support.ts'
import type { TestRelay } from '../relay/support.ts'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'

const MiB = 1024 * 1024
const EXPECTED_TOOLS = ['block_get', 'block_put', 'block_stat', 'car_export', 'car_import', 'dag_get', 'dag_put', 'ipfs_add', 'ipfs_cat', 'ipfs_ls', 'ipfs_stat', 'node_id', 'pin_add', 'pin_ls', 'pin_rm', 'swarm_peers']

/** A CID for bytes this node has never stored. */
async function absentCid (): Promise<string> {
  return CID.createV1(raw.code, await sha256.digest(randomBytes(32))).toString()
}

describe('MCP tools over Streamable HTTP', () => {
  let relay: TestRelay
  let stand: McpHttpStand
  let client: Client

  beforeAll(async () => {
    relay = await startTestRelay()
    stand = await startMcpHttp(relay)
    client = await connectHttp(stand.url)
  })

  afterAll(async () => {
    await client?.close()
    await stand?.close()
    await relay?.destroy()
  })

  it('lists every tool with a description, described inputs, an output schema and annotations', async () => {
    const { tools } = await client.listTools()
    expect(tools.map(t => t.name).sort()).to.deep.equal(EXPECTED_TOOLS)
    for (const tool of tools) {
      expect(tool.description, tool.name).to.be.a('string').with.length.greaterThan(20)
      expect(tool.outputSchema, tool.name).to.have.property('type', 'object')
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint'] as const) expect(tool.annotations?.[hint], `${tool.name}.${hint}`).to.be.a('boolean')
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${field}`).to.be.a('string').with.length.greaterThan(0)
      }
    }
    // over HTTP the server is not on the agent's machine: no local file paths
    const add = tools.find(t => t.name === 'ipfs_add')
    expect(add?.inputSchema.properties).to.not.have.property('path')
    expect(tools.find(t => t.name === 'pin_rm')?.annotations?.destructiveHint).to.equal(true)
    expect(tools.find(t => t.name === 'ipfs_cat')?.annotations?.readOnlyHint).to.equal(true)
  })

  it('adds text and reads it back as text', async () => {
    const added = await callOk<{ cid: string, size: number, pinned: boolean }>(client, 'ipfs_add', { text: 'hello from an agent' })
    expect(added).to.include({ size: 19, pinned: true })
    const result = await call(client, 'ipfs_cat', { cid: added.cid })
    expect(result.content[0]).to.deep.equal({ type: 'text', text: 'hello from an agent' })
    expect(result.structuredContent).to.include({ cid: added.cid, size: 19, encoding: 'utf-8', mimeType: 'text/plain', truncated: false })
    const range = await call(client, 'ipfs_cat', { cid: added.cid, offset: 6, length: 4 })
    expect(range.content[0]).to.deep.equal({ type: 'text', text: 'from' })
  })

  it('pins content and shows it in pin_ls, and unpins it', async () => {
    const { cid } = await callOk<{ cid: string }>(client, 'ipfs_add', { text: `pin me ${Math.random()}`, pin: false })
    expect((await callOk<{ pins: unknown[] }>(client, 'pin_ls', { cid })).pins).to.deep.equal([])
    const pin = await callOk(client, 'pin_add', { cid, name: 'notes', metadata: { project: 'mcp' } })
    expect(pin).to.deep.equal({ cid, name: 'notes', recursive: true, depth: -1, metadata: { project: 'mcp' } })
    const { pins } = await callOk<{ pins: Array<{ cid: string, name: string }> }>(client, 'pin_ls')
    expect(pins.find(p => p.cid === cid)).to.include({ name: 'notes' })
    expect(await callOk(client, 'pin_rm', { cid })).to.deep.equal({ cid, removed: true })
    expect(errorCodeOf(await call(client, 'pin_rm', { cid }))).to.equal('ERR_NOT_FOUND')
  })

  it('reports a bad CID and missing content as isError results with stable codes, and keeps serving', async () => {
    const bad = await call(client, 'ipfs_cat', { cid: 'not-a-cid' })
    expect(bad.isError).to.equal(true)
    expect(errorCodeOf(bad)).to.equal('ERR_INVALID_CID')
    expect(bad._meta?.['ipfs-kit/error']).to.deep.equal({ code: 'ERR_INVALID_CID', status: 400 })
    const missing = await call(client, 'ipfs_cat', { cid: await absentCid() })
    expect(missing.isError).to.equal(true)
    expect(errorCodeOf(missing)).to.equal('ERR_NOT_FOUND')
    expect(errorCodeOf(await call(client, 'block_get', { cid: await absentCid() }))).to.equal('ERR_NOT_FOUND')
    expect(errorCodeOf(await call(client, 'pin_add', { cid: 'bafy-nope' }))).to.equal('ERR_INVALID_CID')
    expect(errorCodeOf(await call(client, 'ipfs_add', {}))).to.equal('ERR_INVALID_INPUT')
    expect(errorCodeOf(await call(client, 'ipfs_add', { base64: '***' }))).to.equal('ERR_INVALID_INPUT')
    expect(await callOk(client, 'node_id')).to.have.property('peerId', relay.service.id().peerId)
  })

  it('returns binary content as an embedded resource blob, not as text', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...randomBytes(3000)])
    const { cid } = await callOk<{ cid: string }>(client, 'ipfs_add', { base64: Buffer.from(png).toString('base64') })
    const result = await call(client, 'ipfs_cat', { cid })
    const [item] = result.content
    if (item?.type !== 'resource' || !('blob' in item.resource)) throw new Error(`expected a blob, got ${JSON.stringify(item).slice(0, 200)}`)
    expect(item.resource.mimeType).to.equal('image/png')
    expect(Buffer.from(item.resource.blob, 'base64').equals(Buffer.from(png))).to.equal(true)
    expect(result.structuredContent).to.include({ encoding: 'base64', mimeType: 'image/png', length: png.byteLength })
    const forcedText = await call(client, 'ipfs_cat', { cid: (await callOk<{ cid: string }>(client, 'ipfs_add', { text: 'plain' })).cid, encoding: 'base64' })
    expect(forcedText.content[0]).to.have.property('type', 'resource')
  })

  it('pages 64 MiB through ipfs_cat with a message saying how to read on', async () => {
    // multi-byte characters everywhere, so page cuts must land on character boundaries
    const unit = Buffer.from('héllo wörld ✓ 𝄞 ')
    const big = Buffer.alloc(64 * MiB)
    for (let at = 0; at < big.length; at += unit.length) unit.copy(big, at, 0, Math.min(unit.length, big.length - at))
    const { cid } = await relay.service.add(big, { pin: false })
    const first = await call(client, 'ipfs_cat', { cid: cid.toString() })
    const page = first.structuredContent as { length: number, truncated: boolean, nextOffset: number, size: number, encoding: string }
    expect(page).to.include({ size: 64 * MiB, truncated: true, encoding: 'utf-8' })
    expect(page.length).to.be.within(MiB - 3, MiB)
    expect(page.nextOffset).to.equal(page.length)
    const note = textOf({ content: first.content.slice(1) })
    expect(note).to.include(`offset=${page.nextOffset}`).and.include('64 MiB')
    const second = await call(client, 'ipfs_cat', { cid: cid.toString(), offset: page.nextOffset })
    const joined = (first.content[0] as { text: string }).text + (second.content[0] as { text: string }).text
    const secondLength = (second.structuredContent as { length: number }).length
    expect(joined).to.equal(big.subarray(0, page.length + secondLength).toString('utf8'))
    // the resource has no paging: it is refused, naming the tool to use
    const refused = await client.readResource({ uri: `ipfs://${cid.toString()}` }).then(() => undefined, (err: unknown) => err as { message: string, data: unknown })
    expect(refused?.data).to.deep.equal({ code: 'ERR_TOO_LARGE', status: 413 })
    expect(refused?.message).to.include('ipfs_cat')
    expect(errorCodeOf(await call(client, 'car_export', { cid: cid.toString() }))).to.equal('ERR_TOO_LARGE')
  })

  it('adds a directory of files and lists and stats it', async () => {
    const dir = await callOk<{ cid: string, entries: Array<{ path: string }> }>(client, 'ipfs_add', {
      files: [{ path: 'docs/a.md', text: '# A' }, { path: 'docs/b.bin', base64: Buffer.from([0, 1, 2]).toString('base64') }]
    })
    expect(dir.entries.map(e => e.path)).to.include.members(['docs/a.md', 'docs/b.bin', 'docs'])
    const listing = await callOk<{ entries: Array<{ name: string, type: string }> }>(client, 'ipfs_ls', { cid: `${dir.cid}/docs` })
    expect(listing.entries.map(e => e.name)).to.deep.equal(['a.md', 'b.bin'])
    expect((await call(client, 'ipfs_cat', { cid: `${dir.cid}/docs/a.md` })).structuredContent).to.include({ mimeType: 'text/markdown' })
    expect(await callOk(client, 'ipfs_stat', { cid: dir.cid, dagSize: true })).to.include({ type: 'directory', local: true })
    expect(errorCodeOf(await call(client, 'ipfs_cat', { cid: dir.cid }))).to.equal('ERR_NOT_A_FILE')
  })

  it('stores JSON with dag_put and reads it back with dag_get, following links along a path', async () => {
    const leaf = await callOk<{ cid: string, codec: string }>(client, 'dag_put', { value: { name: 'leaf', bytes: { '/': { bytes: 'AQID' } } } })
    expect(leaf.codec).to.equal('dag-cbor')
    const root = await callOk<{ cid: string }>(client, 'dag_put', { value: { children: [{ '/': leaf.cid }] } })
    const json = await callOk<{ cid: string, codec: string }>(client, 'dag_put', { value: { hello: 'json', n: 1.5 }, codec: 'dag-json' })
    expect(json.codec).to.equal('dag-json')
    expect(await callOk(client, 'dag_get', { cid: json.cid })).to.deep.include({ codec: 'dag-json', value: { hello: 'json', n: 1.5 } })
    expect(await callOk(client, 'dag_get', { cid: leaf.cid })).to.deep.include({ codec: 'dag-cbor', value: { name: 'leaf', bytes: { '/': { bytes: 'AQID' } } } })
    expect(await callOk(client, 'dag_get', { cid: root.cid, path: 'children/0/name' })).to.deep.include({ cid: leaf.cid, value: 'leaf' })
    expect(await callOk(client, 'dag_get', { cid: `${root.cid}/children/0` })).to.deep.include({ value: { '/': leaf.cid } })
    expect(errorCodeOf(await call(client, 'dag_get', { cid: root.cid, path: 'nothing' }))).to.equal('ERR_NOT_FOUND')
    expect(errorCodeOf(await call(client, 'dag_put', { value: { '/': 'not a cid' } }))).to.equal('ERR_INVALID_INPUT')
    // a UnixFS directory is dag-pb: its links decode too
    const dir = await callOk<{ cid: string }>(client, 'ipfs_add', { files: [{ path: 'x.txt', text: 'x' }] })
    const pb = await callOk<{ codec: string, value: { Links: Array<{ Name: string }> } }>(client, 'dag_get', { cid: dir.cid })
    expect(pb.codec).to.equal('dag-pb')
    expect(pb.value.Links[0]?.Name).to.equal('x.txt')
  })

  // regression: Helia was built without the dag-cbor/dag-json codecs, so pinning such a DAG failed with a 500
  it('pins what dag_put stored', async () => {
    const leaf = await callOk<{ cid: string }>(client, 'dag_put', { value: { leaf: true } })
    const root = await callOk<{ pinned: boolean }>(client, 'dag_put', { value: { child: { '/': leaf.cid } }, pin: true })
    expect(root.pinned).to.equal(true)
  })

  it('puts, gets and stats raw blocks, verifying them against a given CID', async () => {
    const bytes = randomBytes(100)
    const put = await callOk<{ cid: string, size: number, codec: string }>(client, 'block_put', { base64: bytes.toString('base64') })
    expect(put).to.include({ size: 100, codec: 'raw' })
    const got = await call(client, 'block_get', { cid: put.cid })
    const [item] = got.content
    expect(item?.type === 'resource' && 'blob' in item.resource ? Buffer.from(item.resource.blob, 'base64').equals(bytes) : false).to.equal(true)
    expect(await callOk(client, 'block_stat', { cid: put.cid })).to.deep.equal({ cid: put.cid, size: 100, codec: 'raw' })
    expect(errorCodeOf(await call(client, 'block_put', { base64: randomBytes(10).toString('base64'), cid: put.cid }))).to.equal('ERR_CID_MISMATCH')
  })

  it('exports a CAR as a blob and imports it; a bad CAR leaves nothing behind', async () => {
    const { cid } = await callOk<{ cid: string }>(client, 'ipfs_add', { files: [{ path: 'one.txt', text: 'one' }, { path: 'two.txt', text: 'two' }] })
    const exported = await call(client, 'car_export', { cid })
    const [item] = exported.content
    if (item?.type !== 'resource' || !('blob' in item.resource)) throw new Error('expected a CAR blob')
    expect(item.resource.mimeType).to.equal('application/vnd.ipld.car')
    const imported = await callOk<{ roots: string[], blocks: number, newBlocks: number }>(client, 'car_import', { base64: item.resource.blob })
    expect(imported).to.deep.include({ roots: [cid], blocks: 3, newBlocks: 0 })
    expect(errorCodeOf(await call(client, 'car_import', { base64: Buffer.from('not a car at all').toString('base64') }))).to.equal('ERR_INVALID_CAR')
    // over HTTP there is no `path`: the CAR must come inline
    expect(errorCodeOf(await call(client, 'car_import', { path: '/etc/passwd' }))).to.equal('ERR_INVALID_INPUT')
  })

  it('reports the node identity and peers', async () => {
    expect(await callOk(client, 'node_id')).to.deep.equal(relay.service.id())
    expect(await callOk(client, 'swarm_peers')).to.deep.equal({ peers: [] })
  })

  it('serves ipfs:// content and ipfs-kit://node as resources', async () => {
    const { cid } = await callOk<{ cid: string }>(client, 'ipfs_add', { text: '{"a": 1}', name: 'data.json' })
    const { resourceTemplates } = await client.listResourceTemplates()
    expect(resourceTemplates.map(t => t.uriTemplate)).to.include('ipfs://{cid}')
    const { resources } = await client.listResources()
    expect(resources.map(r => r.uri)).to.include.members(['ipfs-kit://node', `ipfs://${cid}`])
    expect(resources.find(r => r.uri === `ipfs://${cid}`)?.name).to.equal('data.json')
    const read = await client.readResource({ uri: `ipfs://${cid}` })
    expect(read.contents[0]).to.deep.include({ text: '{"a": 1}', mimeType: 'text/plain' })
    const [status] = (await client.readResource({ uri: 'ipfs-kit://node' })).contents
    const node = JSON.parse(status !== undefined && 'text' in status ? status.text : '{}')
    expect(node).to.include({ peerId: relay.service.id().peerId, peerCount: 0 })
    const missing = await client.readResource({ uri: `ipfs://${await absentCid()}` }).then(() => undefined, (err: unknown) => err as { code: number, data: unknown })
    expect(missing).to.deep.include({ code: -32002, data: { code: 'ERR_NOT_FOUND', status: 404 } })
  })

  it('sends resources/list_changed when pins change', async () => {
    let changes = 0
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => { changes++ })
    const { cid } = await callOk<{ cid: string }>(client, 'ipfs_add', { text: `notify ${Math.random()}`, pin: false })
    await callOk(client, 'pin_add', { cid })
    await expect.poll(() => changes, { timeout: 5000 }).toBeGreaterThan(0)
    const before = changes
    await callOk(client, 'pin_rm', { cid })
    await expect.poll(() => changes, { timeout: 5000 }).toBeGreaterThan(before)
  })
})
