/** Where commands write: human lines by default, one JSON document with --json. */
export interface Output {
  readonly json: boolean
  line(text: string): void
  result(human: () => void, data: unknown): void
  /**
   * For commands that run on (serve-vendor): a human line, or with --json one JSON document per
   * line (JSON Lines), so a script can read events as they happen.
   */
  event(human: string, data: Record<string, unknown>): void
}

export function createOutput(json: boolean, write: (s: string) => void = (s) => process.stdout.write(s)): Output {
  return {
    json,
    line: (text) => {
      if (!json) write(text + '\n')
    },
    result: (human, data) => (json ? write(JSON.stringify(data, null, 2) + '\n') : human()),
    event: (human, data) => write((json ? JSON.stringify(data) : human) + '\n'),
  }
}
