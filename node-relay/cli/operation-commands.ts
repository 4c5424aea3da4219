import { stat } from 'node:fs/promises'
import { Command, InvalidArgumentError, Option } from 'commander'
import { InvalidInputError } from '../../core/errors/index.ts'
import { OPERATIONS } from '../operations/index.ts'
import { restPathOf } from '../operations/rest-path.ts'
import { descriptionOf, fieldKind, flagNameOf, inputFields, isOptionalField, parseInput } from '../operations/input.ts'
import { contextOf, printResult } from './context.ts'
import { copyBody, saveBody } from './download.ts'
import { EXIT } from './exit.ts'
import { readFileChunks } from './multipart.ts'
import { keyValue } from './options.ts'
import { formatBytes, ProgressBar, progressWanted } from './progress.ts'
import type { AnyOperation, DownloadOperation, UploadOperation } from '../operations/operation.ts'
import type { ApiRequest, Query } from './client.ts'

function numberOption (value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number')
  return n
}

function collect (value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter(part => part !== '')]
}

/** The commander options of an operation's input fields that are not positional arguments. */
function optionsOf (op: AnyOperation): Option[] {
  const cli = op.cli
  if (cli === undefined) return []
  const options: Option[] = []
  for (const [field, schema] of Object.entries(inputFields(op))) {
    if ((cli.args ?? []).includes(field)) continue
    const flag = flagNameOf(op, field)
    const short = cli.short?.[field] === undefined ? '' : `-${cli.short[field]}, `
    const description = descriptionOf(schema)
    const kind = fieldKind(schema)
    if (kind === 'boolean') {
      options.push(new Option(`${short}--${flag}`, description))
      options.push(new Option(`--no-${flag}`, `the opposite of --${flag}`))
      continue
    }
    const option = new Option(`${short}--${flag} <${kind === 'record' ? 'key=value' : 'value'}>`, description)
    if (kind === 'number') option.argParser(numberOption)
    else if (kind === 'array') option.argParser(collect)
    else if (kind === 'record') option.argParser(keyValue)
    if (!isOptionalField(schema)) option.makeOptionMandatory()
    options.push(option)
  }
  return options
}

/** Flags as parsed by commander, back to the operation's field names. */
function inputOf (op: AnyOperation, positional: string[], flags: Record<string, unknown>): Record<string, unknown> {
  const cli = op.cli
  const input: Record<string, unknown> = {}
  const fields = inputFields(op)
  for (const [i, name] of (cli?.args ?? []).entries()) {
    const value = positional[i]
    // a number taken as a positional argument (`model alias tiny production 2`) arrives as text
    const numeric = value !== undefined && fields[name] !== undefined && fieldKind(fields[name]) === 'number' && value.trim() !== '' && Number.isFinite(Number(value))
    input[name] = numeric ? Number(value) : value
  }
  for (const field of Object.keys(op.input.shape)) {
    if ((cli?.args ?? []).includes(field)) continue
    const flag = flagNameOf(op, field).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())
    if (flags[flag] !== undefined) input[field] = flags[flag]
  }
  return input
}

/** An operation's REST path and, for the query string, the input fields the path does not carry. */
function restCallOf (op: AnyOperation, input: Record<string, unknown>): { path: string, rest: Record<string, unknown>, query: Query } {
  const { path, rest } = restPathOf(op, input)
  const query: Query = {}
  for (const [name, value] of Object.entries(rest)) query[name] = Array.isArray(value) ? value.join(',') : value as Query[string]
  return { path, rest, query }
}

/** Run an operation on the relay over its REST route, as the REST adapter serves it. */
async function callOverRest (command: Command, op: AnyOperation, input: Record<string, unknown>): Promise<void> {
  const context = contextOf(command)
  const { path, rest, query } = restCallOf(op, input)
  const output = await context.client.json(path, op.output, {
    method: op.rest.method,
    ...(op.rest.method === 'POST' ? { body: { json: rest } } : { query })
  })
  printResult(context, output, () => op.cli?.lines?.(output) ?? [])
  if (op.cli?.failed?.(output) === true) process.exitCode = EXIT.internal
}

function isBrokenPipe (err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'EPIPE'
}

/**
 * A download: its bytes to stdout (binary-safe; a reader that goes away, as `| head`, ends the command quietly), or
 * with `-o` to a file that appears only once complete. `--json` changes only how results and errors are reported.
 */
async function downloadOverRest (command: Command, op: DownloadOperation, input: Record<string, unknown>, output: string | undefined): Promise<void> {
  const context = contextOf(command)
  const { path, query } = restCallOf(op, input)
  const response = await context.client.request(path, { query })
  if (output !== undefined) {
    const bytes = await saveBody(response, output)
    const what = typeof input.cid === 'string' ? input.cid : op.name
    printResult(context, { cid: what, path: output, bytes }, () => [`saved ${what} to ${output} (${formatBytes(bytes)})`])
    return
  }
  const onError = (): void => { /* EPIPE is handled below, as a rejected write */ }
  process.stdout.on('error', onError)
  try {
    await copyBody(response, process.stdout)
  } catch (err) {
    if (!isBrokenPipe(err)) throw err
    await response.body?.cancel().catch(() => undefined)
  } finally {
    process.stdout.off('error', onError)
  }
}

/** An upload: the file (or stdin for `-`) streamed as the request body, with a progress bar on a terminal. */
async function uploadOverRest (command: Command, op: UploadOperation, input: Record<string, unknown>, file: string, quiet: boolean): Promise<void> {
  const context = contextOf(command)
  const { path, query } = restCallOf(op, input)
  const contentType = op.upload.mediaTypes[0] ?? 'application/octet-stream'
  let body: ApiRequest['body']
  let bar: ProgressBar | undefined
  if (file === '-') {
    body = { stream: process.stdin as AsyncIterable<Uint8Array>, contentType }
  } else {
    const info = await stat(file).catch((err: unknown) => {
      throw new InvalidInputError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    })
    if (!info.isFile()) throw new InvalidInputError(`${file} is not a file`)
    bar = progressWanted({ isTTY: process.stderr.isTTY, json: context.json, quiet }) ? new ProgressBar({ total: info.size, output: process.stderr }) : undefined
    body = { stream: readFileChunks(file, { onBytes: n => bar?.add(n) }), contentType }
  }
  try {
    const result = await context.client.json(path, op.output, { method: 'POST', query, body })
    bar?.finish()
    printResult(context, result, () => op.cli?.lines?.(result) ?? [])
  } catch (err) {
    bar?.finish()
    throw err
  }
}

/** Text given for a field that takes any JSON value (`dag put '{"a": 1}'`) is parsed as JSON when it is JSON. */
function jsonArguments (op: AnyOperation, input: Record<string, unknown>): Record<string, unknown> {
  const out = { ...input }
  for (const [name, schema] of Object.entries(inputFields(op))) {
    const value = out[name]
    if (fieldKind(schema) !== 'other' || typeof value !== 'string') continue
    try {
      out[name] = JSON.parse(value) as unknown
    } catch {
      throw new InvalidInputError(`${name}: not valid JSON (${value.length > 40 ? `${value.slice(0, 40)}…` : value})`)
    }
  }
  return out
}

/** The commander command of one operation (its last command word). */
function operationCommand (op: AnyOperation): Command {
  const cli = op.cli
  if (cli === undefined) throw new Error(`operation ${op.name} has no CLI binding`)
  const command = new Command(cli.command[cli.command.length - 1]).description(op.description.split(/(?<=\.) /)[0] ?? op.title)
  const shape = inputFields(op)
  for (const name of cli.args ?? []) {
    const field = shape[name]
    if (field === undefined) throw new Error(`operation ${op.name}: argument ${name} is not an input field`)
    command.argument(isOptionalField(field) ? `[${name}]` : `<${name}>`, descriptionOf(field))
  }
  if (op.kind === 'upload') command.argument('<file>', `${op.upload.description}: a file, or - for stdin`)
  for (const option of optionsOf(op)) command.addOption(option)
  if (op.kind === 'download') command.addOption(new Option('-o, --output <file>', 'write the bytes to this file instead of stdout'))
  if (op.kind === 'upload') command.addOption(new Option('-q, --quiet', 'no progress bar'))
  command.action(async (...received: unknown[]) => {
    const self = received[received.length - 1] as Command
    const flags = received[received.length - 2] as Record<string, unknown>
    const positional = received.slice(0, received.length - 2).map(value => value as string)
    const input = jsonArguments(op, inputOf(op, positional, flags))
    parseInput(op, input, true) // refuse bad input here, with the same message the relay would give
    if (op.kind === 'download') await downloadOverRest(self, op, input, flags.output as string | undefined)
    else if (op.kind === 'upload') await uploadOverRest(self, op, input, positional[(cli.args ?? []).length] ?? '-', flags.quiet === true)
    else await callOverRest(self, op, input)
  })
  return command
}

/**
 * Add every operation that has a CLI binding to `program`, under its command words: `['pin', 'add']` becomes
 * `ipfs-kit pin add`, created under an existing `pin` command when there is one. `groups` describes the parent
 * commands the table creates.
 */
export function registerOperationCommands (program: Command, groups: Readonly<Record<string, string>>, operations: readonly AnyOperation[] = OPERATIONS): Command[] {
  const created: Command[] = []
  for (const op of operations) {
    if (op.cli === undefined || op.cli.custom === true) continue
    let parent = program
    for (const word of op.cli.command.slice(0, -1)) {
      let next = parent.commands.find(c => c.name() === word)
      if (next === undefined) {
        next = new Command(word).description(groups[word] ?? word)
        parent.addCommand(next)
        if (parent === program) created.push(next)
      }
      parent = next
    }
    const command = operationCommand(op)
    parent.addCommand(command)
    if (parent === program) created.push(command)
  }
  return created
}
