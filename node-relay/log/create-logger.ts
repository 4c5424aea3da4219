import { pino } from 'pino'
import { resolveLogFormat } from './log-format.ts'
import { prettyLine } from './pretty-line.ts'
import type { LogFormat } from './log-format.ts'
import type { DestinationStream, Logger } from 'pino'

/** Where log lines go: anything with `write(text)` and, optionally, `isTTY` (default `process.stderr`). */
export interface LogOutput {
  write: (text: string) => unknown
  isTTY?: boolean
}

/** Options of {@link createRelayLogger}. */
export interface RelayLoggerOptions {
  level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  format: LogFormat
  output?: LogOutput
}

/** A pino destination that turns each JSON line into a {@link prettyLine}. */
function prettyDestination (output: LogOutput, color: boolean): DestinationStream {
  return { write (line: string) { output.write(prettyLine(line, { color })) } }
}

/**
 * The relay's one logger (pino): JSON lines for collectors, or pretty lines on a terminal (`logFormat`,
 * `--log-format`, `IPFS_KIT_LOG_FORMAT`). It goes to stderr, beside `ipfs-kit start`'s ready block, so stdout stays
 * free (the MCP stdio transport owns it). Fastify uses it for every request's child logger (`reqId` bound).
 *
 * @example
 * ```ts
 * const log = createRelayLogger({ level: 'info', format: 'auto' })
 * log.warn({ code: 'ERR_TIMEOUT' }, 'fetch timed out')
 * ```
 */
export function createRelayLogger (options: RelayLoggerOptions): Logger {
  const output = options.output ?? process.stderr
  const format = resolveLogFormat(options.format, output.isTTY === true)
  const destination: DestinationStream = format === 'pretty'
    ? prettyDestination(output, output.isTTY === true && process.env.NO_COLOR === undefined)
    : { write (line: string) { output.write(line) } }
  return pino({ level: options.level }, destination)
}
