/** pino's numeric levels, as the pretty format names them. */
const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }
const LEVEL_COLORS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' }
/** Fields every line has, shown in their own place (or not at all). */
const OMITTED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'err', 'reqId'])

function scalar (value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  return JSON.stringify(value)
}

function clock (time: unknown): string {
  const date = typeof time === 'number' ? new Date(time) : new Date()
  return date.toISOString().slice(11, 23)
}

/**
 * One pino JSON line as a person reads it: `12:04:05.123 WARN  slow request method=GET status=200 ms=12034
 * reqId=req-7`, then an error's stack, indented, when the line carries one. A line that is not JSON is returned as it is.
 */
export function prettyLine (json: string, options: { color?: boolean } = {}): string {
  let record: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(json)
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return json.endsWith('\n') ? json : json + '\n'
    record = parsed as Record<string, unknown>
  } catch {
    return json.endsWith('\n') ? json : json + '\n'
  }
  const level = typeof record.level === 'number' ? record.level : 30
  const name = (LEVEL_NAMES[level] ?? String(level)).padEnd(5)
  const shown = options.color === true ? `\u001b[${LEVEL_COLORS[level] ?? '0'}m${name}\u001b[0m` : name
  const fields = Object.entries(record).filter(([key]) => !OMITTED.has(key)).map(([key, value]) => `${key}=${scalar(value)}`)
  if (record.reqId !== undefined) fields.push(`reqId=${scalar(record.reqId)}`)
  const msg = typeof record.msg === 'string' ? record.msg : ''
  let line = [clock(record.time), shown, msg, ...fields].filter(part => part !== '').join(' ')
  const err = record.err
  if (err !== null && typeof err === 'object' && 'stack' in err && typeof err.stack === 'string') {
    line += '\n' + err.stack.split('\n').map(l => `    ${l}`).join('\n')
  } else if (err !== null && typeof err === 'object' && 'message' in err && typeof err.message === 'string') {
    line += ` error=${scalar(err.message)}`
  }
  return line + '\n'
}
