import { main } from './main.js'

// A reader that stops early (`intentcast verify m.jws | head -1`) closes the pipe: the rest of
// the output has nowhere to go, which is no failure of the command, and never a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') process.stderr.write(`intentcast: cannot write the output: ${e.message}\n`)
  process.exit(e.code === 'EPIPE' ? 0 : 1)
})

process.exitCode = await main(process.argv.slice(2))
