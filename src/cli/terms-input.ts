import { verify } from '../envelope/verify.js'
import { IntentcastError } from '../errors.js'
import { TermSet } from '../model/term-set.js'
import { isObject, readMessageArg } from './io.js'
import { parseWith } from '../model/parse.js'

/** A party's terms as a command read them, and where they came from. */
export interface TermsArg {
  readonly terms: TermSet
  readonly name?: string
  /** The signer's DID when the argument was a signed declaration (verified). */
  readonly signer?: string
  readonly source: 'signed declaration' | 'declaration payload' | 'term set'
}

function checkTermSet(value: unknown, what: string): TermSet {
  return parseWith(TermSet, value, `${what} is not a valid term set`, 'ERR_SCHEMA')
}

/**
 * Reads one party's terms from an argument: a signed `terms` declaration (a token, or a file
 * holding one; verified), or a JSON file holding a TermSet (`{"agreements": …}`), a declaration
 * payload or body (`{"role", "terms": …}`), or `verify --json` output for a declaration.
 */
export async function readTermsArg(arg: string, role: 'customer' | 'vendor'): Promise<TermsArg> {
  const text = readMessageArg(arg)
  let json: unknown
  if (text.startsWith('{')) {
    try {
      json = JSON.parse(text)
    } catch (cause) {
      throw new IntentcastError('ERR_INVALID_ARGUMENT', `${arg} is neither a signed declaration nor JSON`, { cause })
    }
  }
  if (json === undefined || (isObject(json) && 'signatures' in json)) {
    const v = await verify(text, { expect: 'terms' })
    if (v.payload.role !== role)
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `${arg} is a ${v.payload.role}'s terms declaration, not a ${role}'s`,
      )
    return {
      terms: v.payload.terms,
      ...(v.payload.name !== undefined && { name: v.payload.name }),
      signer: v.issuer,
      source: 'signed declaration',
    }
  }
  if (!isObject(json)) throw new IntentcastError('ERR_INVALID_ARGUMENT', `${arg} holds no terms`)
  if ('agreements' in json) return { terms: checkTermSet(json, arg), source: 'term set' }
  const payload = isObject(json.payload) && !('terms' in json) ? json.payload : json
  if (!('terms' in payload))
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `${arg} holds no terms: expected a signed declaration, a TermSet or a declaration payload`,
    )
  if (payload.role !== undefined && payload.role !== role)
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `${arg} is a ${typeof payload.role === 'string' ? payload.role.slice(0, 32) : typeof payload.role}'s terms declaration, not a ${role}'s`,
    )
  return {
    terms: checkTermSet(payload.terms, `${arg} terms`),
    ...(typeof payload.name === 'string' && { name: payload.name }),
    source: 'declaration payload',
  }
}
