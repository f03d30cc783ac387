import type { Command } from '../command.js'
import { inspect } from './inspect.js'
import { keygen } from './keygen.js'
import { sign } from './sign.js'
import { verify } from './verify.js'

export const COMMANDS: readonly Command[] = [keygen, sign, verify, inspect]
