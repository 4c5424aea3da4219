import { Command, InvalidArgumentError, Option } from 'commander'
import { OPERATIONS } from '../operations/index.ts'
import { descriptionOf, fieldKind, flagNameOf, inputFields, isOptionalField, parseInput } from '../operations/input.ts'
import { contextOf, printResult } from './context.ts'
import { EXIT } from './exit.ts'
import { keyValue } from './options.ts'
import type { AnyOperation } from '../operations/operation.ts'
import type { Query } from './client.ts'

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
  for (const [i, name] of (cli?.args ?? []).entries()) input[name] = positional[i]
  for (const field of Object.keys(op.input.shape)) {
    if ((cli?.args ?? []).includes(field)) continue
    const flag = flagNameOf(op, field).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())
    if (flags[flag] !== undefined) input[field] = flags[flag]
  }
  return input
}

/** Run an operation on the relay over its REST route, as the REST adapter serves it. */
async function callOverRest (command: Command, op: AnyOperation, input: Record<string, unknown>): Promise<void> {
  const context = contextOf(command)
  const params = new Set<string>()
  const path = op.rest.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    params.add(name)
    return encodeURIComponent(String(input[name]))
  })
  const rest = Object.fromEntries(Object.entries(input).filter(([name, value]) => !params.has(name) && value !== undefined))
  const query: Query = {}
  if (op.rest.method !== 'POST') {
    for (const [name, value] of Object.entries(rest)) query[name] = Array.isArray(value) ? value.join(',') : value as Query[string]
  }
  const output = await context.client.json(path, op.output, {
    method: op.rest.method,
    ...(op.rest.method === 'POST' ? { body: { json: rest } } : { query })
  })
  printResult(context, output, () => op.cli?.lines(output) ?? [])
  if (op.cli?.failed?.(output) === true) process.exitCode = EXIT.internal
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
  for (const option of optionsOf(op)) command.addOption(option)
  command.action(async (...received: unknown[]) => {
    const self = received[received.length - 1] as Command
    const flags = received[received.length - 2] as Record<string, unknown>
    const positional = received.slice(0, received.length - 2).map(value => value as string)
    const input = inputOf(op, positional, flags)
    parseInput(op, input, true) // refuse bad input here, with the same message the relay would give
    await callOverRest(self, op, input)
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
    if (op.cli === undefined) continue
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
