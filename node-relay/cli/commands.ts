import type { Command } from 'commander'

/** Register the commands that talk to a running relay (add, cat, get, ls, pin, car, id, peers). */
export function registerClientCommands (program: Command): void {
  void program
}
