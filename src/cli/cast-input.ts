/**
 * What `cast` reads and writes besides the cast itself: the intent argument (a body or a signed
 * intent), the `--relay` URL, and what `--save` keeps. Kept apart from the command so that its
 * file holds the flow and the output.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { signIntent, type IntentBody } from '../envelope/sign.js'
import { verify } from '../envelope/verify.js'
import { IntentcastError } from '../errors.js'
import { shortDid, type PrivateJwk } from '../keys/did-key.js'
import { importKeyPair, type KeyPair } from '../keys/key-pair.js'
import { Want } from '../model/intent.js'
import { parseWith } from '../model/parse.js'
import { sealKeyPairOf } from '../seal/keys.js'
import type { CastResult } from '../wallet/cast-types.js'
import type { VendorTarget } from '../wallet/discover.js'
import { readJson, readMessageArg } from './io.js'
import { messageText } from './pick.js'
import type { SavedOffer } from './state.js'

/** The intent argument: a body to sign (JSON with `want`), or a signed intent as it is. */
export type IntentArg = { readonly body: IntentBody; readonly want: Want } | { readonly message: string }

/** Reads `<intent>`: a token, a file or `-`, holding a signed intent or an intent body. */
export function readIntentArg(arg: string): IntentArg {
  const text = readMessageArg(arg)
  if (!text.startsWith('{')) return { message: text }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${arg} is neither a signed intent nor JSON`, { cause })
  }
  if (typeof body !== 'object' || body === null || !('want' in body)) return { message: text }
  // Checked before anything is printed about it, or signed.
  return { body: body as IntentBody, want: parseWith(Want, body.want, `${arg}: want`, 'ERR_SCHEMA') }
}

/**
 * The intent signed with `--key` (a body, its `replyTo` the key's mailbox at the relay when there
 * is one), or the signed intent given, which must then be the key's when there is one. A body
 * comes here only with a key: without one, a wallet signs it.
 */
export async function signWithKey(
  intent: IntentArg,
  keyFile: string | undefined,
  expires: string | undefined,
  relay: string | undefined,
): Promise<{ message: string; key: KeyPair | undefined }> {
  const key = keyFile === undefined ? undefined : await importKeyPair(readJson(keyFile) as PrivateJwk)
  if ('body' in intent) {
    const body = intent.body
    // Vendors seal their answers to the reply key, derived from the signing key as a wallet's
    // is, so that the cast opens them with the key it already holds.
    const replyKey = body.replyKey ?? (await sealKeyPairOf(key!)).publicJwk
    const replyTo = relay === undefined ? {} : { replyTo: `${relay}/mailboxes/${key!.did}` }
    return { message: await signIntent({ ...body, replyKey, ...replyTo }, key!, expiresIn(expires)), key }
  }
  if (key) {
    const issuer = (await verify(intent.message, { expect: 'intent' })).issuer
    if (issuer !== key.did)
      throw new IntentcastError(
        'ERR_ISSUER_MISMATCH',
        `--key is ${shortDid(key.did)}, but the intent is signed by ${shortDid(issuer)}`,
      )
  }
  return { message: intent.message, key }
}

/** `--expires` as signing takes it: seconds, or a span such as 2h. */
export function expiresIn(expires: string | undefined): { expiresIn?: number | string } {
  return expires === undefined ? {} : { expiresIn: /^\d+$/.test(expires) ? Number(expires) : expires }
}

/** `--relay`, as a cast takes it: the relay's URL without a trailing slash, as its mailboxes are spelt. */
export function relayArg(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `--relay ${value.slice(0, 64)} is not a URL`, { cause })
  }
  return url.href.replace(/\/+$/, '')
}

/** The vendor's name in a saved offer: its origin, or the DID of one met through a relay. */
const vendorName = (vendor: VendorTarget): string =>
  vendor.relay !== undefined && vendor.did !== undefined ? vendor.did : vendor.origin

/**
 * A cast's offers, numbered as `--offer` names them: the ranked ones best first, then those a
 * hard limit excluded, which a counter may still settle.
 */
export function numberOffers(result: CastResult): SavedOffer[] {
  return [
    ...result.offers.map((o, i) => ({
      n: i + 1,
      vendor: vendorName(o.vendor),
      digest: o.proposal.digest,
      excluded: false,
      score: o.score,
      reasons: o.reasons,
    })),
    ...result.excluded.map((x, i) => ({
      n: result.offers.length + i + 1,
      vendor: vendorName(x.vendor),
      digest: x.proposal.digest,
      excluded: true,
      reasons: x.reasons,
    })),
  ]
}

/**
 * `--save <dir>`: the signed intent and every offer by its number (intent.jws, offer-1.jws, …,
 * the excluded ones after the ranked), ready for `intentcast negotiate`. Each file ends in a
 * newline, as text files do; commands read a file without it.
 */
export function saveFiles(dir: string, intent: string, result: CastResult): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'intent.jws'), intent + '\n')
  ;[...result.offers, ...result.excluded].forEach((o, i) =>
    writeFileSync(join(dir, `offer-${i + 1}.jws`), messageText(o.proposal.message) + '\n'),
  )
}
