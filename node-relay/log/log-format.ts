/** How the relay writes its log: `pretty` lines for a person, `json` lines for a collector, `auto` by the terminal. */
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const

/** One of {@link LOG_FORMATS}. */
export type LogFormat = typeof LOG_FORMATS[number]

/** `auto` is `pretty` on a terminal and `json` otherwise (a pipe, a file, journald, a container's log driver). */
export function resolveLogFormat (format: LogFormat, isTTY: boolean): 'pretty' | 'json' {
  if (format === 'auto') return isTTY ? 'pretty' : 'json'
  return format
}
