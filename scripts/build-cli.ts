/**
 * Bundle the CLI (and the relay it starts) into `build/cli.js`, plain JavaScript for Node ≥ 22, so an installed
 * package runs without type stripping (Node refuses to strip types under node_modules). Dependencies stay external.
 * Run by `npm pack` (prepack); a checkout runs the TypeScript directly.
 */
import { build } from 'esbuild'

await build({
  entryPoints: [new URL('../node-relay/cli/main.ts', import.meta.url).pathname],
  outfile: new URL('../build/cli.js', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  // main.ts has a shebang line: keep none in the bundle (bin/ipfs-kit.js is the entry)
  banner: { js: '// ipfs-kit CLI, bundled from node-relay/cli/main.ts by scripts/build-cli.ts' }
})
process.stdout.write('wrote build/cli.js\n')
