/**
 * The budget cap on automatic Filecoin spending: what the copy watch spent by itself (new copies placed by repairs
 * and renewals, USDFC deposited by top-ups), kept in a JSON file next to the copy records (written atomically) so a
 * restart does not reset it. Before spending, the watch asks {@link SpendingLedger.allow}; beyond the cap it gets
 * {@link BudgetExceededError} (`ERR_BUDGET_EXCEEDED`, HTTP 402). Explicit commands (`filecoin pay deposit`, `filecoin
 * repair` run by a person) are not capped: the cap is on what the relay does without being asked.
 */
import { JsonFile } from './json-file.ts'
import { BudgetExceededError } from './errors.ts'

/** The caps (absent: no cap of that kind). */
export interface BudgetCap {
  /** New copies automatic repairs and renewals may place in any 24 hours. */
  maxRepairsPerDay?: number
  /** USDFC automatic deposit top-ups may spend in any 30 days. */
  maxUsdfcPerMonth?: number
}

/** One automatic spend. */
export interface Spend {
  kind: 'repair' | 'deposit'
  /** Copies placed (repair) or USDFC deposited (deposit). */
  amount: number
  /** When (ms since the epoch). */
  at: number
}

const DAY_MS = 86_400_000
const MONTH_MS = 30 * DAY_MS

/** See the module comment. */
export class SpendingLedger {
  /** The caps this ledger enforces. */
  readonly cap: BudgetCap
  private readonly file: JsonFile<Spend[]>
  private spends: Spend[] = []
  private loaded: Promise<void> | undefined
  /** The clock (ms), replaceable in tests that move time. */
  now: () => number = Date.now

  /** @param path - the JSON file; in memory when absent */
  constructor (cap: BudgetCap, path?: string) {
    this.cap = cap
    this.file = new JsonFile(path)
  }

  private async load (): Promise<void> {
    this.loaded ??= (async () => {
      this.spends = await this.file.read() ?? []
    })()
    await this.loaded
  }

  /** What was spent of a kind in the window the cap covers (24 h for repairs, 30 days for deposits). */
  async spent (kind: Spend['kind']): Promise<number> {
    await this.load()
    const since = this.now() - (kind === 'repair' ? DAY_MS : MONTH_MS)
    return this.spends.filter((s) => s.kind === kind && s.at > since).reduce((sum, s) => sum + s.amount, 0)
  }

  /** Throw {@link BudgetExceededError} when spending `amount` more of a kind would pass its cap. */
  async allow (kind: Spend['kind'], amount: number): Promise<void> {
    const cap = kind === 'repair' ? this.cap.maxRepairsPerDay : this.cap.maxUsdfcPerMonth
    if (cap === undefined) return
    const spent = await this.spent(kind)
    if (spent + amount > cap) {
      throw new BudgetExceededError(kind === 'repair'
        ? `automatic repair refused: ${amount} new ${amount === 1 ? 'copy' : 'copies'} would make ${spent + amount} in 24 hours, over budget.maxRepairsPerDay ${cap}`
        : `automatic deposit refused: ${amount} USDFC would make ${spent + amount} in 30 days, over budget.maxUsdfcPerMonth ${cap}`)
    }
  }

  /** Record a spend (and forget those older than any window). */
  async record (kind: Spend['kind'], amount: number): Promise<void> {
    await this.load()
    const now = this.now()
    this.spends = [...this.spends.filter((s) => s.at > now - MONTH_MS), { kind, amount, at: now }]
    await this.file.write(this.spends)
  }
}
