/** Write docs/OPERATIONS.md from the operation table (`npm run docs`). */
import { writeFile } from 'node:fs/promises'
import { operationsReference } from '../node-relay/operations/reference.ts'

await writeFile(new URL('../docs/OPERATIONS.md', import.meta.url), operationsReference())
process.stdout.write('wrote docs/OPERATIONS.md\n')
