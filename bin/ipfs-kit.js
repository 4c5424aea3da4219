#!/usr/bin/env node
/* global process, URL */
// The `ipfs-kit` command of an installed package. Plain JavaScript that any Node runs, so a too old Node gets a
// clear message instead of a stack trace; then the bundled CLI (build/cli.js, made by `npm pack`), or in a checkout
// the TypeScript sources (Node ≥ 22.18 strips their types).
import { existsSync } from 'node:fs'

const REQUIRED = [22, 12]
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < REQUIRED[0] || (major === REQUIRED[0] && minor < REQUIRED[1])) {
  process.stderr.write(
    `ipfs-kit needs Node.js ${REQUIRED.join('.')} or newer; this is Node.js ${process.versions.node} (${process.execPath}).\n` +
    'Install Node.js 22 (https://nodejs.org, `nvm install 22`, or `npm install -g node@22`) and run ipfs-kit with it.\n'
  )
  process.exit(2)
}

const bundled = new URL('../build/cli.js', import.meta.url)
await import(existsSync(bundled) ? bundled.href : new URL('../node-relay/cli/main.ts', import.meta.url).href)
