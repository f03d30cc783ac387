/**
 * What `counter` and `accept` share: finding the negotiation `--offer` names in a state file, and
 * reading the options both take. An offer is named by the number the cast gave it, by a digest
 * (or its first characters) of any message in its thread, or by its vendor.
 */
import { shortDid } from '../keys/did-key.js'
import { IntentcastError } from '../errors.js'
import { encodeBase64url } from '../lib/base64url.js'
import type { Thread } from '../thread/thread.js'
import type { ResumedNegotiation } from '../wallet/wallet.js'
import { positiveInt, stringArg } from './args.js'
import { StateFile, type SavedOffer } from './state.js'

/** What `--offer` named: a negotiation still open, or the agreement it already ended in. */
export type Picked =
  | { readonly saved: SavedOffer | undefined; readonly negotiation: ResumedNegotiation; readonly agreed?: undefined }
  | { readonly saved: SavedOffer | undefined; readonly negotiation?: undefined; readonly agreed: Thread }

/** A digest's first characters name it when they are this many or more and no other digest starts so. */
const MIN_PREFIX = 6

/** `--offer <n>`, `--offer <digest>` or `--offer <vendor>`, found among the state's negotiations and agreements. */
export async function pickOffer(state: StateFile, arg: string | undefined, command: string): Promise<Picked> {
  const range = state.offers.length === 0 ? 'no offers' : `offers 1 to ${state.offers.length}`
  if (arg === undefined || arg === '')
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `${command} needs --offer <n, digest or vendor>; ${state.path} holds ${range}`,
    )
  const open = await state.wallet.negotiations()
  const savedFor = (thread: Thread): SavedOffer | undefined =>
    state.offers.find((o) => thread.messages.some((m) => m.digest === o.digest))
  let digest: string
  if (/^\d+$/.test(arg)) {
    const saved = state.offers.find((o) => o.n === Number(arg))
    if (saved === undefined)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', `--offer ${arg}: ${state.path} holds ${range}`)
    digest = saved.digest
  } else if (/^(https?:\/\/|did:)/.test(arg)) {
    const found = open.filter((n) => n.vendor.origin === arg || n.vendor.did === arg || n.proposal.issuer === arg)
    if (found.length > 1)
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `--offer ${arg.slice(0, 64)} names ${found.length} negotiations; name one by its number or digest`,
      )
    if (found[0] !== undefined) return { saved: savedFor(found[0].thread), negotiation: found[0] }
    const saved = state.offers.find((o) => o.vendor === arg)
    if (saved === undefined)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', `--offer ${arg.slice(0, 64)}: no offer from that vendor`)
    digest = saved.digest
  } else if (new RegExp(`^[A-Za-z0-9_-]{${MIN_PREFIX},43}$`).test(arg)) {
    const digests = new Set([
      ...state.offers.map((o) => o.digest),
      ...open.flatMap((n) => n.thread.messages.map((m) => m.digest)),
    ])
    const matches = [...digests].filter((d) => d.startsWith(arg))
    if (matches.length !== 1)
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        matches.length === 0
          ? `--offer ${arg}: no offer or move in ${state.path} has a digest starting so`
          : `--offer ${arg} starts ${matches.length} digests; give more of it`,
      )
    digest = matches[0]!
  } else
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `--offer takes the offer's number, a digest, or the vendor's origin or DID, not ${arg.slice(0, 64)}`,
    )
  const negotiation = open.find((n) => n.thread.messages.some((m) => m.digest === digest))
  if (negotiation !== undefined) return { saved: savedFor(negotiation.thread), negotiation }
  const agreed = await state.wallet.agreements.get(digest)
  if (agreed !== undefined) return { saved: savedFor(agreed), agreed }
  const saved = state.offers.find((o) => o.digest === digest)
  throw new IntentcastError(
    'ERR_INVALID_ARGUMENT',
    `${saved ? `offer ${saved.n} (${vendorText(saved.vendor)})` : `--offer ${arg}`} has no open negotiation in ${state.path}: its offer, the vendor's last counter or the intent has expired`,
  )
}

/** A vendor as lines name it: its origin, or a short DID for one met through a relay. */
export function vendorText(vendor: string): string {
  return vendor.startsWith('did:') ? shortDid(vendor) : vendor
}

/** A message as text: a JWS as it is, a COSE message (bytes) in base64url. */
export function messageText(message: string | Uint8Array): string {
  return typeof message === 'string' ? message : encodeBase64url(message)
}

/** The options `counter` and `accept` both take. */
export const PICK_OPTIONS = {
  state: { type: 'string', short: 's' },
  offer: { type: 'string' },
  timeout: { type: 'string' },
} as const

/** Their help lines. */
export const PICK_HELP: readonly string[] = [
  '--state <file>      the negotiation state `intentcast cast --save` wrote (a .json file, or its directory)',
  '--offer <which>     the offer: its number in the cast (the excluded ones after the ranked), a digest (or',
  "                    its first 6 or more characters) of any move in its thread, or the vendor's origin",
  '                    or DID. After the vendor answered a counter with its own, the same name stands for',
  "                    that: the vendor's latest proposal is what is countered or accepted.",
  '--timeout <ms>      what the vendor gets to answer (default 10000)',
]

/** Where `counter` and `accept` start: `--state` opened, `--offer` found in it, and `--timeout`. */
export async function openPicked(
  values: Record<string, string | boolean | undefined>,
  command: string,
): Promise<{ state: StateFile; picked: Picked; timeoutMs: number | undefined }> {
  const path = stringArg(values, 'state')
  if (path === undefined)
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${command} needs --state <file> from \`intentcast cast --save\``)
  const timeoutMs = positiveInt(values.timeout, '--timeout')
  const state = await StateFile.open(path)
  return { state, picked: await pickOffer(state, stringArg(values, 'offer'), command), timeoutMs }
}
