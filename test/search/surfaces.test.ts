/**
 * The search surfaces besides REST: the MCP `search` tool over the relay's own /mcp, and the `ipfs-kit search`
 * CLI as a child process.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, callOk, connectHttp, errorCodeOf } from '../mcp/support.ts'
import { addBytes, startTestRelay } from '../relay/support.ts'
import type { TestRelay } from '../relay/support.ts'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'

const MAIN = fileURLToPath(new URL('../../node-relay/cli/main.ts', import.meta.url))

async function cli (api: string, args: string[]): Promise<{ code: number | null, stdout: string }> {
  const child = spawn(process.execPath, [MAIN, '--api', api, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  return { code, stdout }
}

describe('search over MCP and the CLI', () => {
  let relay: TestRelay
  let client: Client
  let notes: string
  let recipe: string

  beforeAll(async () => {
    relay = await startTestRelay()
    notes = (await addBytes(relay.url, new TextEncoder().encode('Meeting notes: the relay needs a search index for pins.'), '?name=notes.md')).cid
    recipe = (await addBytes(relay.url, new TextEncoder().encode('Pancakes: flour, eggs, milk. Fry in butter.'), '?name=pancakes.txt')).cid
    await fetch(`${relay.url}/api/v1/pins`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cid: recipe, name: 'pancakes.txt', metadata: { tags: 'cooking,breakfast' } }) })
    await relay.search?.idle()
    client = await connectHttp(relay.url)
  }, 60_000)

  afterAll(async () => {
    await client.close()
    await relay.destroy()
  })

  it('lists a read-only `search` tool with an output schema', async () => {
    const { tools } = await client.listTools()
    const tool = tools.find(t => t.name === 'search')
    expect(tool?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false })
    expect(tool?.outputSchema).toBeDefined()
  })

  it('searches through the MCP tool, with filters and facets', async () => {
    // the same query and answer as POST /api/v1/search: filters nested, each hit with its document
    const result = await callOk<{ count: number, hits: Array<{ cid: string, document: { name: string } }>, facets: { tags?: Record<string, number> } }>(client, 'search', { query: 'serch index', facets: ['tags'] })
    expect(result.hits[0]).toMatchObject({ cid: notes, document: { name: 'notes.md' } })
    const cooking = await callOk<{ hits: Array<{ cid: string }> }>(client, 'search', { query: 'eggs', mode: 'hybrid', filters: { tags: ['cooking'] } })
    expect(cooking.hits.map(h => h.cid)).toEqual([recipe])
  })

  it('returns ERR_INVALID_QUERY from the tool for a bad filter', async () => {
    const result = await call(client, 'search', { query: 'x', filters: { mime: ['not-a-type'] } })
    expect(result.isError).toBe(true)
    expect(errorCodeOf(result)).toBe('ERR_INVALID_QUERY')
  })

  it('searches from the CLI, as text and as JSON', async () => {
    const text = await cli(relay.url, ['search', 'pancakes', '--tag', 'cooking'])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(recipe)
    const json = await cli(relay.url, ['search', 'relay', 'index', '--mode', 'hybrid', '--facet', 'mime', '--json'])
    expect(json.code).toBe(0)
    const parsed = JSON.parse(json.stdout) as { hits: Array<{ cid: string }>, facets: { mime: Record<string, number> } }
    expect(parsed.hits[0]?.cid).toBe(notes)
    expect(parsed.facets.mime['text/markdown']).toBe(1)
  }, 60_000)
})
