import { ApiClient } from './client.ts'
import type { Command } from 'commander'

/** What every client command needs: the API client and how to print. */
export interface CliContext {
  client: ApiClient
  /** `--json`: print one JSON document on stdout instead of human text. */
  json: boolean
}

/** Global options, as the root program declares them. */
interface GlobalOptions {
  api: string
  json: boolean
  /** API key sent as `Authorization: Bearer` (`--key` or $IPFS_KIT_API_KEY). */
  key?: string
}

/** The context of a command, from the global `--api` and `--json` options. */
export function contextOf (command: Command): CliContext {
  const { api, json, key } = command.optsWithGlobals<GlobalOptions>()
  return { client: new ApiClient(api, key), json }
}

/** Whether `--json` was given to a command (usable before the API URL is validated). */
export function jsonWanted (command: Command): boolean {
  return command.optsWithGlobals<Partial<GlobalOptions>>().json === true
}

/** Print a command's outcome: `value` as one JSON document with `--json`, else the human `lines`. */
export function printResult (context: CliContext, value: unknown, lines: () => string[]): void {
  if (context.json) {
    process.stdout.write(JSON.stringify(value, null, 2) + '\n')
    return
  }
  const text = lines()
  if (text.length > 0) process.stdout.write(text.join('\n') + '\n')
}

/** A warning for a person (stderr), kept out of `--json` output. */
export function warn (message: string): void {
  process.stderr.write(`warning: ${message}\n`)
}
