/**
 * CPU use of other processes (the relay, the load generator) from `/proc/<pid>/stat` (Linux), to tell which
 * side of a load test is saturated: a Node server whose main thread is busy shows ≈ 1 core.
 */
import { readFile } from 'node:fs/promises'
import { median } from './stats.ts'

/** Clock ticks per second of `/proc` times (`getconf CLK_TCK`; 100 on Linux). */
const CLOCK_TICKS = 100

/** utime + stime of a process (all its threads) from `/proc/<pid>/stat`, in seconds. */
export async function processCpuSeconds (pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // fields after the parenthesised command name start at field 3 (state); utime and stime are fields 14 and 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  if (!Number.isFinite(ticks)) throw new Error(`cannot parse /proc/${pid}/stat`)
  return ticks / CLOCK_TICKS
}

/** Samples a process's CPU use at a fixed interval until stopped. */
export interface CpuSampler {
  /** Stops sampling; resolves with the median cores used over the intervals seen (0 if none). */
  stop(): Promise<number>
}

/**
 * Reads the CPU time of `pid` every `intervalMs` and keeps the cores used in each interval (CPU seconds ÷ wall
 * seconds). The median ignores the idle edges of a run (process start-up, the tail after the load stops).
 */
export function sampleCpu (pid: number, intervalMs = 500): CpuSampler {
  const cores: number[] = []
  let last: { cpu: number, wall: number } | undefined
  let reading: Promise<void> = Promise.resolve()
  const read = async (): Promise<void> => {
    const cpu = await processCpuSeconds(pid).catch(() => undefined)
    const wall = performance.now() / 1000
    if (cpu === undefined) return
    if (last !== undefined && wall > last.wall) cores.push((cpu - last.cpu) / (wall - last.wall))
    last = { cpu, wall }
  }
  reading = read()
  const timer = setInterval(() => { reading = reading.then(read) }, intervalMs)
  return {
    stop: async () => {
      clearInterval(timer)
      await reading
      return cores.length === 0 ? 0 : median(cores)
    }
  }
}
