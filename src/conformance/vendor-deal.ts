/**
 * The moves after an offer, as a customer makes them (§HTTP binding, Processing, the table): a
 * counter, answered by a counter that verifies or by 202; the acceptance with the agreement the
 * customer signed, answered by that agreement countersigned, the same deal, both signatures
 * verifying; the same acceptance again, which gets the same agreement (§HTTP binding, Retries);
 * and a withdrawal, answered 204. In a sealed variant every move is sealed to the key the vendor
 * named last in the thread, as a wallet seals them.
 */
import { signAgreement } from '../envelope/countersign.js'
import { signAcceptance, signCounter, signWithdrawal } from '../envelope/sign.js'
import { keepsOwnSignature } from '../envelope/own-signature.js'
import { verify, type Proposal } from '../envelope/verify.js'
import { joinMessages } from '../http/media-type.js'
import { shortDid } from '../keys/did-key.js'
import { dealOf } from '../model/deal.js'
import type { SealKey } from '../model/seal-key.js'
import { seal } from '../seal/seal.js'
import type { Thread } from '../thread/thread.js'
import { fromVendor, messageIn, post, sameBody, sealedMove, type KitContext, type Variant } from './customer.js'
import { expectProblem, summary } from './probe.js'
import { Checklist, expectThat, type CheckSpec } from './report.js'
import { NO_OFFER, openThread, type Opened } from './vendor-offer.js'

const PROCESSING = '§HTTP binding, Processing'
const MOVES = '§Thread state machine, Moves'

/** The encryption key the vendor named last in the thread: what the customer seals to. */
function vendorSealKey(thread: Thread): SealKey | undefined {
  const vendor = thread.proposals.filter((p) => p.issuer !== thread.intent.issuer && p.payload.replyKey)
  return vendor.at(-1)?.payload.replyKey
}

/** What an accepted thread left for the checks after it. */
interface Agreed {
  /** The acceptance and the agreement, as one plain body. */
  readonly plain: string | Uint8Array
  /** That body as sent (sealed in a sealed variant). */
  readonly body: string | Uint8Array
  /** The answer's bytes. */
  readonly answer: Uint8Array
  /** The countersigned agreement, opened. */
  readonly agreement: string | Uint8Array
  readonly digest: string
}

/**
 * Counters the offer, accepts the vendor's last proposal, sends the acceptance again, and
 * withdraws the agreement. Checks that cannot run for want of what an earlier one made are
 * recorded as skipped, with the reason.
 */
export async function negotiate(
  list: Checklist,
  ctx: KitContext,
  variant: Variant,
  opened: Opened | undefined,
): Promise<void> {
  const counterSpec: CheckSpec = {
    id: `counter.${variant.name}`,
    section: `${PROCESSING}; ${MOVES}`,
    title: variant.sealed
      ? "a counter sealed to the offer's replyKey gets the vendor's counter, sealed, verifying, answering it (or 202)"
      : "a counter gets 200 with the vendor's counter, verifying and answering it (or 202)",
  }
  const acceptanceSpec: CheckSpec = {
    id: `acceptance.${variant.name}`,
    section: `${PROCESSING}; §Agreement envelope`,
    title: 'the acceptance and the agreement the customer signed get it countersigned: both signatures, same deal',
  }
  const retrySpec: CheckSpec = {
    id: `retry.acceptance.${variant.name}`,
    section: '§HTTP binding, Retries',
    title: 'the same acceptance bytes again get the same agreement, byte for byte',
  }
  const resealSpec: CheckSpec = {
    id: `reseal.acceptance.${variant.name}`,
    section: '§Encrypted envelopes, Which bodies are sealed',
    title: 'the same acceptance sealed again (other bytes) gets the agreement the vendor countersigned',
  }
  const withdrawSpec: CheckSpec = {
    id: `withdrawal.agreement.${variant.name}`,
    section: `${PROCESSING}; ${MOVES}`,
    title: "the customer's withdrawal of the agreement is 204",
  }
  const later = [acceptanceSpec, retrySpec, ...(variant.sealed ? [resealSpec] : []), withdrawSpec]
  if (opened === undefined) {
    for (const spec of [counterSpec, ...later]) list.skip(spec, NO_OFFER)
    return
  }
  const { customer, intent, offer } = opened
  const { format } = variant
  let thread = opened.thread
  let proposal: Proposal = offer

  await list.check(counterSpec, async () => {
    const signed = await signCounter(
      { ...dealOf(offer.payload), inReplyTo: offer.digest, intent: intent.digest },
      customer.castKey,
      { audience: offer.issuer, format },
    )
    const mine = await verify(signed, { expect: 'counter' })
    const answer = await post(ctx, await sealedMove(signed, variant, vendorSealKey(thread)))
    // A counter answered 202 is not kept by the vendor: the thread goes on from the offer.
    if (answer.status === 202) return 'no answer now (202), which the spec allows: the offer is accepted instead'
    expectThat(answer.status === 200, `expected 200 with a counter, or 202; got ${summary(answer)}`)
    const reply = await fromVendor(await messageIn(answer, variant, customer), 'counter', ctx, customer, variant)
    expectThat(
      reply.payload.inReplyTo === mine.digest,
      "the vendor's counter does not answer the customer's (inReplyTo)",
    )
    expectThat(reply.issuer === offer.issuer, 'the counter is signed by another key than the offer')
    thread = thread.with(mine, reply)
    proposal = reply
  })

  let agreed: Agreed | undefined
  await list.check(acceptanceSpec, async () => {
    const acceptance = await signAcceptance(
      { inReplyTo: proposal.digest, intent: intent.digest, ...dealOf(proposal.payload), party: customer.partyKey.did },
      customer.castKey,
      { audience: proposal.issuer, format },
    )
    const accepted = thread.with(await verify(acceptance, { expect: 'acceptance' }))
    const signed = await signAgreement(accepted.agreementBody(), customer.partyKey, { format })
    const plain = joinMessages(acceptance, signed)
    const body = await sealedMove(plain, variant, vendorSealKey(thread))
    const answer = await post(ctx, body)
    expectThat(answer.status === 200, `expected 200 with the countersigned agreement, got ${summary(answer)}`)
    const message = await messageIn(answer, variant, customer)
    // Verifying as an agreement requires both signatures (§Verification, A9).
    const agreement = await verify(message, { expect: 'agreement', audience: customer.partyKey.did })
    expectThat(agreement.format === format, "the agreement is not in the request's envelope")
    expectThat(keepsOwnSignature(signed, message), "the agreement does not keep the customer's payload and signature")
    expectThat(
      agreement.signers[0] === customer.partyKey.did && agreement.signers[1] === proposal.issuer,
      'the agreement is not signed by the customer party, then by the key that made the accepted proposal',
    )
    // Same deal, same references: the thread takes it as the move after the acceptance.
    accepted.add(agreement)
    agreed = { plain, body, answer: answer.body, agreement: message, digest: agreement.digest }
    return `countersigned by ${shortDid(proposal.issuer)}`
  })
  const done = agreed
  if (done === undefined) {
    for (const spec of later.slice(1)) list.skip(spec, 'no agreement came back to work with')
    return
  }

  await list.check(retrySpec, async () => {
    const again = await post(ctx, done.body)
    expectThat(again.status === 200, `expected the agreement again (200), got ${summary(again)}`)
    expectThat(sameBody(again.body, done.answer), 'the answer to the same bytes is not the same bytes')
  })
  if (variant.sealed) {
    await list.check(resealSpec, async () => {
      const key = vendorSealKey(thread)
      if (key === undefined) return 'the vendor named no key to seal to: nothing to seal again'
      const again = await post(ctx, await seal(done.plain, key))
      expectThat(again.status === 200, `expected the agreement (200), got ${summary(again)}`)
      const message = await messageIn(again, variant, customer)
      expectThat(sameBody(message, done.agreement), 'another agreement came back')
    })
  }
  await list.check(withdrawSpec, async () => {
    const withdrawal = await signWithdrawal({ withdraws: done.digest }, customer.partyKey, {
      audience: proposal.issuer,
      format,
    })
    const answer = await post(ctx, await sealedMove(withdrawal, variant, vendorSealKey(thread)))
    expectThat(answer.status === 204, `expected 204, got ${summary(answer)}`)
  })
}

/**
 * A thread the customer ends before any agreement: the withdrawal of the intent is 204, and the
 * thread then takes no move (a counter is 409 ERR_ILLEGAL_MOVE, the open checks of §Thread state
 * machine, Moves). JWS, in the clear.
 */
export async function checkWithdrawnIntent(list: Checklist, ctx: KitContext): Promise<void> {
  const withdrawSpec: CheckSpec = {
    id: 'withdrawal.intent',
    section: PROCESSING,
    title: "the customer's withdrawal of its intent is 204",
  }
  const afterSpec: CheckSpec = {
    id: 'withdrawal.after',
    section: `${MOVES} (open checks); §HTTP binding, Problems`,
    title: 'a counter after the intent was withdrawn is 409 ERR_ILLEGAL_MOVE',
  }
  // Its own checklist: the offer of this thread was checked already, in the jws variant.
  const opened = await openThread(new Checklist(), ctx, {
    name: 'jws',
    format: 'jws',
    sealed: false,
  })
  if (opened === undefined) {
    list.skip(withdrawSpec, NO_OFFER)
    list.skip(afterSpec, NO_OFFER)
    return
  }
  const { customer, intent, offer } = opened
  const withdrawn = await list.check(withdrawSpec, async () => {
    const withdrawal = await signWithdrawal({ withdraws: intent.digest }, customer.castKey)
    const answer = await post(ctx, withdrawal)
    expectThat(answer.status === 204, `expected 204, got ${summary(answer)}`)
  })
  if (!withdrawn) return list.skip(afterSpec, 'the withdrawal was not taken')
  await list.check(afterSpec, async () => {
    const counter = await signCounter(
      { ...dealOf(offer.payload), inReplyTo: offer.digest, intent: intent.digest },
      customer.castKey,
      { audience: offer.issuer },
    )
    expectProblem(await post(ctx, counter), 409, 'ERR_ILLEGAL_MOVE')
  })
}
