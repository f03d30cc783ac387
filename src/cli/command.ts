import type { ParseArgsConfig } from 'node:util'
import type { Output } from './output.js'

export interface Command {
  readonly name: string
  readonly summary: string
  /** The argument synopsis after the command name, e.g. `<kind> <body.json> --key <jwk>`. */
  readonly usage: string
  /** Lines of help below the synopsis. */
  readonly help: readonly string[]
  readonly options: NonNullable<ParseArgsConfig['options']>
  run(positionals: string[], values: Record<string, string | boolean | undefined>, out: Output): Promise<number>
}
