import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { loadConfig } from '../../node-relay/config/load.ts'
import { rejection } from '../support/fixtures.ts'

describe('relay config', () => {
  let dir: string
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'ipfs-kit-config-')) })
  afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

  it('has embedded defaults for everything', async () => {
    const config = await loadConfig()
    expect(config.dataDir).toBe('./.ipfs-kit')
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 8998 })
    expect(config.libp2p.listen.some(a => a.endsWith('/ws'))).toBe(true)
    expect(config.blocks.maxBlockSize).toBe(2 * 1024 * 1024)
  })

  it('layers file < env < flags', async () => {
    const file = join(dir, 'layered.json')
    await writeFile(file, JSON.stringify({ dataDir: '/from/file', http: { port: 1111, host: '0.0.0.0' }, logLevel: 'debug' }))
    const config = await loadConfig({
      file,
      env: { IPFS_KIT_PORT: '2222', IPFS_KIT_LISTEN: '/ip4/127.0.0.1/tcp/1/ws, /ip4/127.0.0.1/tcp/2', IPFS_KIT_FSYNC: 'true' },
      flags: { 'http.port': 3333 }
    })
    expect(config.dataDir).toBe('/from/file')
    expect(config.http.host).toBe('0.0.0.0')
    expect(config.http.port).toBe(3333)
    expect(config.libp2p.listen).toEqual(['/ip4/127.0.0.1/tcp/1/ws', '/ip4/127.0.0.1/tcp/2'])
    expect(config.blocks.fsync).toBe(true)
    expect(config.logLevel).toBe('debug')
  })

  it('names every bad field and where it came from', async () => {
    const err = await rejection(loadConfig({ env: { IPFS_KIT_PORT: '70000' }, flags: { logLevel: 'loud' } }))
    expect(err.code).toBe('ERR_INVALID_INPUT')
    expect(err.message).toContain('http.port')
    expect(err.message).toContain('logLevel')
    expect(err.message).toContain('environment')
  })

  it('refuses an MCP OAuth scope map naming scopes that do not exist', async () => {
    const err = await rejection(loadConfig({ flags: { 'mcp.oauth.issuer': 'https://auth.example.org', 'mcp.oauth.scopeMap': { 'mcp:write': ['writer', 'contents:write'] } as never } }))
    expect(err.code).toBe('ERR_INVALID_INPUT')
    expect(err.message).toContain('"contents:write" is neither an ipfs-kit scope nor a role')
    const good = await loadConfig({ flags: { 'mcp.oauth.issuer': 'https://auth.example.org', 'mcp.oauth.scopeMap': { 'mcp:write': ['writer', 'storage:s3:write'] } as never } })
    expect(good.mcp.oauth?.scopeMap).toEqual({ 'mcp:write': ['writer', 'storage:s3:write'] })
  })

  it('rejects unknown keys, so typos do not pass silently', async () => {
    const file = join(dir, 'typo.json')
    await writeFile(file, JSON.stringify({ htpp: { port: 1 } }))
    const err = await rejection(loadConfig({ file }))
    expect(err.code).toBe('ERR_INVALID_INPUT')
    expect(err.message).toContain('htpp')
  })

  it('explains a missing or malformed file', async () => {
    expect((await rejection(loadConfig({ file: join(dir, 'missing.json') }))).message).toContain('cannot read config file')
    const bad = join(dir, 'bad.json')
    await writeFile(bad, '{ not json')
    expect((await rejection(loadConfig({ file: bad }))).message).toContain('not valid JSON')
    const arr = join(dir, 'array.json')
    await writeFile(arr, '[]')
    expect((await rejection(loadConfig({ file: arr }))).message).toContain('JSON object')
  })
})
