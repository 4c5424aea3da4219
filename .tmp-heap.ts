import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import v8 from 'node:v8'
import { loadConfig } from './node-relay/config/load.ts'
import { startRelay } from './node-relay/relay.ts'
const dir = await mkdtemp(join(tmpdir(), 'heap-'))
const config = await loadConfig({ env: { IPFS_KIT_OFFLINE: 'true' }, flags: { 'http.port': 0, dataDir: dir, 'libp2p.listen': ['/ip4/127.0.0.1/tcp/0'] } as never })
const relay = await startRelay(config)
for (let i = 0; i < 3; i++) { (globalThis as { gc?: () => void }).gc?.(); await new Promise(r => setTimeout(r, 200)) }
const h = v8.getHeapStatistics()
const code = v8.getHeapCodeStatistics()
console.log(JSON.stringify({ heapUsedMB: +(process.memoryUsage().heapUsed / 1e6).toFixed(1), codeAndMetadataMB: +(code.code_and_metadata_size / 1e6).toFixed(1), bytecodeMB: +(code.bytecode_and_metadata_size / 1e6).toFixed(1), externalScriptSourceMB: +(code.external_script_source_size / 1e6).toFixed(1), totalHeapMB: +(h.total_heap_size / 1e6).toFixed(1) }))
await relay.stop()
process.exit(0)
