/**
 * What the customer's moves to a vendor carry and how they travel (spec §Encrypted envelopes,
 * §Selective disclosure): sealed to the encryption key the vendor named in the thread, and the
 * precise wants the customer chose to disclose, which go only sealed.
 */
import { disclosureDigest, parseDisclosure } from '../disclose/disclosure.js'
import { IntentcastError } from '../errors.js'
import type { SealKey } from '../model/seal-key.js'
import { seal } from '../seal/seal.js'
import type { Negotiation, VendorReply } from './reply.js'

/**
 * A move to the vendor, sealed to the encryption key it last named in the thread (its offer's or
 * counter's `replyKey`, signed with it): only the vendor reads it, whoever carries it. As it is
 * to a vendor that named none, which takes no sealed bodies.
 */
export async function sealedForVendor<B extends string | Uint8Array>(body: B, offer: VendorReply): Promise<B> {
  const key = vendorReplyKey(offer)
  return key === undefined ? body : ((await seal(body, key)) as B)
}

/**
 * The disclosures of the precise forms named in `names`, in the order of their digests: each
 * must be one the cast hid (ERR_INVALID_ARGUMENT otherwise, before anything is signed).
 */
export async function preciseDisclosures(offer: Negotiation, names: readonly string[] | undefined): Promise<string[]> {
  if (names === undefined) return []
  // Checked through an `unknown` alias: narrowing `names` itself would leave it `any[]`.
  const list: unknown = names
  if (!Array.isArray(list) || list.some((n) => typeof n !== 'string'))
    throw new IntentcastError('ERR_INVALID_ARGUMENT', 'disclose is a list of want field names')
  const byName = new Map((offer.precise ?? []).map((d) => [parseDisclosure(d).name, d]))
  const chosen = names.map((name) => {
    const d = byName.get(name)
    if (d === undefined)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', `the cast hid no precise ${name.slice(0, 32)} to disclose`)
    return d
  })
  // In the order of the intent's digests, as the vendor checks them.
  const sorted = await Promise.all([...new Set(chosen)].map(async (d) => [await disclosureDigest(d), d] as const))
  return sorted.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d)
}

/** Disclosures go only sealed to the vendor: one that named no encryption key gets none. */
export function requireSealing(offer: VendorReply, disclosures: string[]): string[] {
  if (vendorReplyKey(offer) === undefined)
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      'this vendor named no encryption key (replyKey), so nothing can be disclosed to it: it would travel in the clear',
    )
  return disclosures
}

/** The encryption key the vendor named last in the thread, if any. */
function vendorReplyKey(offer: VendorReply): SealKey | undefined {
  const named = offer.thread.proposals.filter((p) => p.issuer === offer.proposal.issuer && p.payload.replyKey)
  return named.at(-1)?.payload.replyKey
}
