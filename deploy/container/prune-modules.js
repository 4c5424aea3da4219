// Remove from a production node_modules what the relay never loads at run time in the image, so the image is about
// half the size and builds in half the time (docs/DEPLOY.md, "Image size"). Plain JavaScript, no dependencies: it runs
// in the Dockerfile's build stage and in the container test's prebuilt context (test/deploy/container/prebuilt-context.sh).
//
// Usage: node prune-modules.js <package-lock.json> <node_modules dir>
//
// What goes, and why it is never loaded by `ipfs-kit start` on Node:
// - packages reachable only through react-native-webrtc: @libp2p/webrtc maps to it only under the "react-native"
//   export condition; on Node it uses node-datachannel (react-native, jsc-android, metro, react-devtools-core, ...);
// - onnxruntime-web: @huggingface/transformers' Node build loads onnxruntime-node and carries its own inlined copy of
//   the web runtime, so it never imports the package (the PWA bundles its own copy into dist/ at build time);
// - packages reachable only as optional peers (typescript, for the types of abitype and ox);
// - onnxruntime-node's native builds for other systems and processors than the one running this script (the image's).
/* global process */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const EXCLUDED = new Set(['react-native-webrtc', 'onnxruntime-web'])

const [lockFile, modulesDir] = process.argv.slice(2)
if (lockFile === undefined || modulesDir === undefined) {
  process.stderr.write('usage: node prune-modules.js <package-lock.json> <node_modules dir>\n')
  process.exit(2)
}
const packages = JSON.parse(readFileSync(lockFile, 'utf8')).packages

/** The lock path a package at `from` ('' for the root) gets for `name`, by Node's node_modules lookup. */
function resolve (from, name) {
  let dir = from
  for (;;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`
    if (packages[candidate] !== undefined) return candidate
    if (dir === '') return undefined
    const at = dir.lastIndexOf('node_modules/')
    dir = at <= 0 ? '' : dir.slice(0, at - 1)
  }
}

/** The names a package needs at run time: dependencies, optional dependencies and peers that are not optional. */
function needs (entry) {
  const optionalPeers = entry.peerDependenciesMeta ?? {}
  const peers = Object.keys(entry.peerDependencies ?? {}).filter(name => optionalPeers[name]?.optional !== true)
  return [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...peers]
}

const reachable = new Set()
const queue = ['']
while (queue.length > 0) {
  const from = queue.pop()
  for (const name of needs(packages[from])) {
    if (EXCLUDED.has(name)) continue
    const path = resolve(from, name)
    if (path === undefined || reachable.has(path) || packages[path].dev === true) continue
    reachable.add(path)
    queue.push(path)
  }
}

let removed = 0
for (const [path, entry] of Object.entries(packages)) {
  if (!path.startsWith('node_modules/') || entry.dev === true || reachable.has(path)) continue
  const dir = join(modulesDir, path.slice('node_modules/'.length))
  if (!existsSync(dir)) continue
  rmSync(dir, { recursive: true, force: true })
  removed++
}

const onnxBin = join(modulesDir, 'onnxruntime-node', 'bin')
let builds = 0
if (existsSync(onnxBin)) {
  for (const napi of readdirSync(onnxBin)) {
    for (const platform of readdirSync(join(onnxBin, napi))) {
      for (const arch of readdirSync(join(onnxBin, napi, platform))) {
        if (platform === process.platform && arch === process.arch) continue
        rmSync(join(onnxBin, napi, platform, arch), { recursive: true, force: true })
        builds++
      }
    }
  }
}
process.stdout.write(`prune-modules: removed ${removed} packages and ${builds} onnxruntime-node builds for other systems\n`)
