import type { Command } from '../command.js'
import { accept } from './accept.js'
import { cast } from './cast.js'
import { conformance } from './conformance.js'
import { counter } from './counter.js'
import { inspect } from './inspect.js'
import { keygen } from './keygen.js'
import { negotiate } from './negotiate.js'
import { relay } from './relay.js'
import { serveVendor } from './serve-vendor.js'
import { sign } from './sign.js'
import { termsMatch } from './terms-match.js'
import { verify } from './verify.js'

export const COMMANDS: readonly Command[] = [
  keygen,
  sign,
  verify,
  inspect,
  negotiate,
  termsMatch,
  serveVendor,
  cast,
  counter,
  accept,
  relay,
  conformance,
]
