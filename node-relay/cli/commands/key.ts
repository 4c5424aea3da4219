import { readFile, writeFile } from 'node:fs/promises'
import { Command } from 'commander'
import { InvalidInputError } from '../../../core/errors/index.ts'
import { contextOf, printResult } from '../context.ts'
import { generateAndSave, loadKeyPair, parseIdentityText, requireKeyPair, saveKeyPair } from '../keyring.ts'

async function readText (file: string): Promise<string> {
  if (file !== '-') return await readFile(file, 'utf8')
  const parts: Buffer[] = []
  for await (const part of process.stdin) parts.push(part as Buffer)
  return Buffer.concat(parts).toString('utf8')
}

/**
 * `ipfs-kit identity gen|show|export|import`: the user's end-to-end encryption keypair (age X25519), kept in the CLI's
 * config directory and never sent to the relay. `show` prints the public key (`age1…`) to give to people who share
 * with you; `export` prints the secret identity for a backup (an age identity file: `age -d -i` reads it).
 */
export function keyCommand (): Command {
  const key = new Command('identity').description('your encryption identity (an age X25519 keypair; not the API keys of `ipfs-kit keys`), kept on this machine: gen, show, export, import')
  key.command('gen')
    .description('make a new keypair and print its public key')
    .option('--force', 'replace an existing keypair (files encrypted to it become unreadable unless you exported it)', false)
    .action(async (flags: { force: boolean }, command: Command) => {
      const { pair, path } = await generateAndSave(flags.force)
      printResult(contextOf(command), { recipient: pair.recipient, path }, () => [pair.recipient])
    })
  key.command('show')
    .description('print your public key (age1…), the one others encrypt and share to')
    .action(async (_flags: unknown, command: Command) => {
      const pair = await requireKeyPair()
      printResult(contextOf(command), { recipient: pair.recipient }, () => [pair.recipient])
    })
  key.command('export')
    .description('print your secret identity (AGE-SECRET-KEY-1…) for a backup; keep it secret')
    .option('-o, --output <file>', 'write it to this file (mode 0600) instead of stdout')
    .action(async (flags: { output?: string }, command: Command) => {
      const pair = await requireKeyPair()
      const text = `# public key: ${pair.recipient}\n${pair.identity}\n`
      if (flags.output === undefined) {
        process.stdout.write(text)
        return
      }
      await writeFile(flags.output, text, { mode: 0o600, flag: 'wx' }).catch((err: unknown) => {
        throw new InvalidInputError(`cannot write ${flags.output ?? ''}: ${err instanceof Error ? err.message : String(err)}`)
      })
      printResult(contextOf(command), { path: flags.output, recipient: pair.recipient }, () => [`exported to ${flags.output ?? ''}`])
    })
  key.command('import')
    .description('use the identity in <file> (an age identity file, or - for stdin) as your keypair')
    .argument('<file>', 'an identity file written by `identity export` or age-keygen')
    .option('--force', 'replace an existing, different keypair', false)
    .action(async (file: string, flags: { force: boolean }, command: Command) => {
      const pair = await parseIdentityText(await readText(file))
      const existing = await loadKeyPair()
      if (existing !== undefined && existing.identity !== pair.identity && !flags.force) {
        throw new InvalidInputError('a different encryption key is already stored: export it first, then use --force to replace it')
      }
      const path = await saveKeyPair(pair)
      printResult(contextOf(command), { recipient: pair.recipient, path }, () => [pair.recipient])
    })
  return key
}
