/**
 * Linux network namespaces for partition tests: one namespace per member, joined by veth pairs to one bridge (the
 * "cluster network", where libp2p runs), plus a separate veth per member straight to the root namespace (the
 * "control link", where the test talks HTTP to the member). The root namespace does not forward, so members reach
 * each other only through the bridge: taking a member's bridge veth down partitions it while the test can still
 * drive it.
 *
 * Needs root and iproute2 (`ip`, `tc`); `ensureNetnsTools` installs iproute2 with apt-get when it is missing.
 * Latency comes from `tc netem` where the kernel has it (`sch_netem`); kernels without it (some VM kernels) get
 * `tbf` bandwidth shaping instead, and `shaping` says which was applied.
 */
import { execFile, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'

const exec = promisify(execFile)

/** One member's namespace and addresses. */
export interface NetnsMember {
  /** Namespace name (`ip netns exec <ns> …`). */
  ns: string
  /** Address on the cluster network (the bridge). */
  clusterIp: string
  /** Address of the member's end of its control link, reachable from the root namespace. */
  controlIp: string
  /** Root-namespace end of the member's bridge veth: down = cut off. */
  bridgeVeth: string
}

/** A bridge network of namespaces, created by `createNetnsNetwork`. */
export interface NetnsNetwork {
  id: string
  members: NetnsMember[]
  /** What link shaping was applied (netem delay, or tbf when the kernel has no netem). */
  shaping: string
  /** Cut member `i` off the cluster network (its bridge veth goes down). */
  cut: (i: number) => Promise<void>
  /** Join member `i` to the cluster network again. */
  heal: (i: number) => Promise<void>
  /** Delete every namespace and link this network made (safe to call twice). */
  destroy: () => Promise<void>
}

/** Why namespaces cannot be used here, or undefined when they can. */
export async function netnsUnavailableReason (): Promise<string | undefined> {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'network namespaces need root (ip netns add); run as root'
  try {
    await ensureNetnsTools()
  } catch (err) {
    return `iproute2 (ip, tc) is missing and could not be installed: ${err instanceof Error ? err.message : String(err)}`
  }
  const probe = `ikprobe${randomBytes(3).toString('hex')}`
  try {
    await ip('netns', 'add', probe)
    await ip('netns', 'del', probe)
    return undefined
  } catch (err) {
    return `ip netns add failed: ${err instanceof Error ? err.message : String(err)}`
  }
}

/** Make sure `ip` and `tc` exist; installs iproute2 with apt-get (as root) when they do not. */
export async function ensureNetnsTools (): Promise<void> {
  if (await has('ip') && await has('tc')) return
  await exec('apt-get', ['update'], { timeout: 120_000 })
  await exec('apt-get', ['install', '-y', '--no-install-recommends', 'iproute2'], { timeout: 180_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
}

async function has (command: string): Promise<boolean> {
  try {
    await exec('sh', ['-c', `command -v ${command}`])
    return true
  } catch {
    return false
  }
}

async function ip (...args: string[]): Promise<void> {
  await exec('ip', args, { timeout: 10_000 })
}

async function tc (ns: string | undefined, ...args: string[]): Promise<void> {
  if (ns === undefined) await exec('tc', args, { timeout: 10_000 })
  else await exec('ip', ['netns', 'exec', ns, 'tc', ...args], { timeout: 10_000 })
}

/**
 * Create `count` namespaces on one bridge. Names and subnets are random per call, so runs on one machine do not
 * collide. `delayMs` is the one-way netem delay added on each side of a member's bridge link.
 */
export async function createNetnsNetwork (count: number, options: { delayMs?: number } = {}): Promise<NetnsNetwork> {
  const id = randomBytes(3).toString('hex')
  const octet = 100 + (randomBytes(1)[0] ?? 0) % 150
  const third = (randomBytes(1)[0] ?? 0) % 200
  const bridge = `ik${id}br`
  const members: NetnsMember[] = []
  const made = { bridge: false, namespaces: [] as string[], links: [] as string[] }
  // last resort when the process ends without afterAll (a crash, Ctrl-C): delete synchronously
  const onExit = (): void => {
    const commands = [...made.links.map(l => ['link', 'del', l]), ...made.namespaces.map(n => ['netns', 'del', n]), ...(made.bridge ? [['link', 'del', bridge]] : [])]
    for (const args of commands) {
      try { execFileSync('ip', args, { stdio: 'ignore' }) } catch { /* already gone */ }
    }
  }
  process.once('exit', onExit)
  const destroy = async (): Promise<void> => {
    process.removeListener('exit', onExit)
    for (const link of made.links.splice(0)) await ip('link', 'del', link).catch(() => {})
    for (const ns of made.namespaces.splice(0)) await ip('netns', 'del', ns).catch(() => {})
    if (made.bridge) await ip('link', 'del', bridge).catch(() => {})
    made.bridge = false
  }
  try {
    await ip('link', 'add', bridge, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0')
    made.bridge = true
    await ip('link', 'set', bridge, 'up')
    for (let i = 0; i < count; i++) {
      const ns = `ik${id}n${i}`
      const bridgeVeth = `ik${id}b${i}`
      const controlVeth = `ik${id}c${i}`
      // control links get their own /30s, away from the bridge's /24
      const controlNet = `10.${octet}.${(third + 50 + i) % 256}`
      const member: NetnsMember = { ns, clusterIp: `10.${octet}.${third}.${i + 1}`, controlIp: `${controlNet}.2`, bridgeVeth }
      await ip('netns', 'add', ns)
      made.namespaces.push(ns)
      await ip('-n', ns, 'link', 'set', 'lo', 'up')
      // cluster network: veth into the namespace, host end on the bridge
      await ip('link', 'add', bridgeVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns)
      made.links.push(bridgeVeth)
      await ip('link', 'set', bridgeVeth, 'master', bridge)
      await ip('link', 'set', bridgeVeth, 'up')
      await ip('-n', ns, 'addr', 'add', `${member.clusterIp}/24`, 'dev', 'eth0')
      await ip('-n', ns, 'link', 'set', 'eth0', 'up')
      // control link: a point-to-point /30 between the root namespace and this member only
      await ip('link', 'add', controlVeth, 'type', 'veth', 'peer', 'name', 'ctl0', 'netns', ns)
      made.links.push(controlVeth)
      await ip('addr', 'add', `${controlNet}.1/30`, 'dev', controlVeth)
      await ip('link', 'set', controlVeth, 'up')
      await ip('-n', ns, 'addr', 'add', `${controlNet}.2/30`, 'dev', 'ctl0')
      await ip('-n', ns, 'link', 'set', 'ctl0', 'up')
      members.push(member)
    }
    const shaping = await shape(members, options.delayMs ?? 10)
    return {
      id,
      members,
      shaping,
      cut: async (i: number) => { await ip('link', 'set', memberAt(members, i).bridgeVeth, 'down') },
      heal: async (i: number) => { await ip('link', 'set', memberAt(members, i).bridgeVeth, 'up') },
      destroy
    }
  } catch (err) {
    await destroy()
    throw err
  }
}

function memberAt (members: NetnsMember[], i: number): NetnsMember {
  const member = members[i]
  if (member === undefined) throw new RangeError(`no member ${i}`)
  return member
}

/** netem delay on both ends of every bridge link; tbf (20 Mbit/s) where the kernel has no netem. */
async function shape (members: NetnsMember[], delayMs: number): Promise<string> {
  try {
    for (const m of members) {
      await tc(undefined, 'qdisc', 'add', 'dev', m.bridgeVeth, 'root', 'netem', 'delay', `${delayMs}ms`)
      await tc(m.ns, 'qdisc', 'add', 'dev', 'eth0', 'root', 'netem', 'delay', `${delayMs}ms`)
    }
    return `netem delay ${delayMs} ms each way per link (${2 * delayMs} ms between members)`
  } catch (err) {
    const why = err instanceof Error ? (err.message.split('\n').find(l => l.startsWith('Error')) ?? err.message) : String(err)
    for (const m of members) {
      await tc(undefined, 'qdisc', 'del', 'dev', m.bridgeVeth, 'root').catch(() => {})
      await tc(m.ns, 'qdisc', 'del', 'dev', 'eth0', 'root').catch(() => {})
      await tc(undefined, 'qdisc', 'add', 'dev', m.bridgeVeth, 'root', 'tbf', 'rate', '20mbit', 'burst', '64kbit', 'latency', '100ms')
      await tc(m.ns, 'qdisc', 'add', 'dev', 'eth0', 'root', 'tbf', 'rate', '20mbit', 'burst', '64kbit', 'latency', '100ms')
    }
    return `no netem in this kernel (tc: ${why.trim()}); tbf 20 Mbit/s on both ends of every bridge link instead, no added delay`
  }
}
