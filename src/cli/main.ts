/**
 * The `intentcast` command: keys, signing, verifying and inspecting messages, matching terms,
 * negotiating, running a demo vendor or a relay and casting intents, from a terminal or
 * a script. Errors are one readable line with their code (stack traces only with --debug);
 * --json prints one JSON document for scripts. Nothing a peer wrote reaches the terminal raw:
 * output lines and error lines alike have their control characters escaped (output.ts).
 */
import { parseArgs } from 'node:util'
import { IntentcastError } from '../errors.js'
import type { Command } from './command.js'
import { COMMANDS } from './commands/index.js'
import { createOutput, escapeControls } from './output.js'

const GLOBAL = {
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return [
    'usage: intentcast <command> [options]   (--help on any command, --json for scripts, --debug for stack traces)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n')
}

function commandHelp(c: Command): string {
  return [
    `usage: intentcast ${c.name} ${c.usage}`,
    '',
    c.summary,
    ...(c.help.length ? ['', ...c.help.map((h) => (h ? `  ${h}` : ''))] : []),
  ].join('\n')
}

export async function main(
  argv: string[],
  write: (s: string) => void = (s) => process.stdout.write(s),
  writeErr: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  const name = argv[0]
  // `terms match` is a two-word command.
  const command = COMMANDS.find((c) => c.name === name || c.name === `${name} ${argv[1]}`)
  const rest = command ? argv.slice(command.name.split(' ').length) : argv.slice(1)
  const debug = argv.includes('--debug')
  if (!command) {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      write(usage() + '\n')
      return 0
    }
    writeErr(`intentcast: unknown command ${escapeControls(name)}\n\n${usage()}\n`)
    return 2
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...GLOBAL, ...command.options },
      allowPositionals: true,
      strict: true,
    })
    if (values.help) {
      write(commandHelp(command) + '\n')
      return 0
    }
    return await command.run(positionals, values, createOutput(values.json === true, write))
  } catch (e) {
    if (debug)
      writeErr(
        `${String((e as Error)?.stack ?? e)
          .split('\n')
          .map(escapeControls)
          .join('\n')}\n`,
      )
    if (e instanceof IntentcastError) {
      writeErr(`intentcast ${command.name}: ${e.code}: ${escapeControls(e.message)}\n`)
      return 1
    }
    const code = (e as { code?: string })?.code
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      writeErr(`intentcast ${command.name}: ${escapeControls((e as Error).message)}\n\n${commandHelp(command)}\n`)
      return 2
    }
    writeErr(`intentcast ${command.name}: ${escapeControls(String((e as Error)?.message ?? e))}\n`)
    return 1
  }
}
