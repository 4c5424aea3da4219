/**
 * `320 B`, `1.5 MiB`, `2 GiB`: binary units, at most one decimal, none when the value is whole. One format for the
 * CLI, the MCP tools' messages, the operations' lines and the app.
 */
export function formatBytes (bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const shown = unit === 0 || Number.isInteger(value) ? String(value) : value.toFixed(1)
  return `${shown} ${units[unit] ?? ''}`
}
