/**
 * The thread vectors beyond the six the core vectors began with (spec §Thread state machine):
 * every state and DPV status at a given time, withdrawals of offers and agreements, the
 * acceptance's `party`, what "the same deal" allows, the order in which a thread is verified,
 * and the 256-message bound. Messages are JWS, signed with the core vectors' keys and clock;
 * each new message takes the next core jti, so the earlier vectors stay byte for byte as they were.
 */
import {
  countersign,
  digest,
  signAcceptance,
  signAgreement,
  signCounter,
  signOffer,
  signWithdrawal,
  verify,
  DPV_STATUS,
  MAX_MESSAGES,
  Thread,
  type KeyPair,
  type OfferBody,
} from '../src/index.js'
import { decodePayload, later, now } from './vectors-core.js'

const IRI = (id: string) => `https://w3id.org/dpv/standards/p7012#${id}`

interface Inputs {
  readonly keys: { customer: KeyPair; vendor: KeyPair; stranger: KeyPair; relationship: KeyPair }
  /** The core vectors' jti counter: `vector-jti-NNNN`, continuing. */
  readonly jti: () => string
  readonly messages: {
    intent: string
    offer: string
    counter: string
    counter2: string
    acceptance: string
    agreement: string
    /** The intent with a tampered signature (messages.json's first invalid vector). */
    tampered: string
  }
  readonly offerBody: Pick<OfferBody, 'item' | 'deliverBy' | 'price'> & { deliverBy: string }
}

type ThreadVector =
  | { name: string; messages: string[]; at: string; state: string; status: string }
  | { name: string; messages: string[]; code: string }

const iso = (seconds: number) => new Date(seconds * 1000).toISOString()
const iatOf = (m: string): number =>
  (m.startsWith('{') ? JSON.parse(Buffer.from(JSON.parse(m).payload, 'base64url').toString()) : decodePayload(m)).iat

export async function threadVectors({ keys, jti, messages, offerBody }: Inputs): Promise<ThreadVector[]> {
  const { customer, vendor, stranger, relationship } = keys
  const { intent, offer, counter, counter2, acceptance, agreement, tampered } = messages
  const intentDigest = digest(intent)
  const ip = decodePayload(intent)
  const op = decodePayload(offer)
  const ap = decodePayload(acceptance)
  const full = [intent, offer, counter, counter2, acceptance, agreement]

  // Withdrawals (§Withdrawal, §Moves): the vendor's of its offer, addressed to the customer; each
  // party's of the agreement; and three the thread refuses.
  const offerWithdrawn = await signWithdrawal({ withdraws: digest(offer), reason: 'Sold out.' }, vendor, {
    now: later(90),
    audience: customer.did,
    jti: jti(),
  })
  const agreementEndedByVendor = await signWithdrawal(
    { withdraws: digest(agreement), reason: 'The customer asked us to end it.' },
    vendor,
    { now: later(600), audience: customer.did, jti: jti() },
  )
  const agreementEndedByCustomer = await signWithdrawal({ withdraws: digest(agreement) }, customer, {
    now: later(600),
    audience: vendor.did,
    jti: jti(),
  })
  const intentWithdrawnToVendor = await signWithdrawal({ withdraws: intentDigest }, customer, {
    now: later(90),
    audience: vendor.did,
    jti: jti(),
  })
  const offerWithdrawnByStranger = await signWithdrawal({ withdraws: digest(offer) }, stranger, {
    now: later(90),
    jti: jti(),
  })
  const acceptanceWithdrawn = await signWithdrawal({ withdraws: digest(acceptance) }, customer, {
    now: later(260),
    audience: vendor.did,
    jti: jti(),
  })

  // The same deal (§Moves): the offer accepted with its agreement's IRI and its conditions in
  // another order; an offer without conditions accepted with `conditions: []`; and a set whose
  // tokens come back in another order, which is not the same deal.
  const acceptedByIri = await signAcceptance(
    {
      inReplyTo: digest(offer),
      intent: intentDigest,
      quantity: op.quantity,
      price: op.price,
      deliverBy: op.deliverBy,
      terms: { agreement: IRI(op.terms.agreement), conditions: [...op.terms.conditions].reverse() },
    },
    customer,
    { now: later(100), audience: vendor.did, jti: jti() },
  )
  const bareOffer = await signOffer(
    { ...offerBody, inReplyTo: intentDigest, quantity: 1, terms: { agreement: 'SD-BASE' } },
    vendor,
    { now: later(60), audience: customer.did, jti: jti() },
  )
  const acceptedWithEmptyConditions = await signAcceptance(
    {
      inReplyTo: digest(bareOffer),
      intent: intentDigest,
      quantity: 1,
      price: offerBody.price,
      deliverBy: offerBody.deliverBy,
      terms: { agreement: 'SD-BASE', conditions: [] },
    },
    customer,
    { now: later(100), audience: vendor.did, jti: jti() },
  )
  const setOffer = await signOffer(
    {
      ...offerBody,
      inReplyTo: intentDigest,
      quantity: 1,
      terms: { agreement: 'SD-BASE', conditions: [{ id: 'payment-methods', value: ['card', 'sepa'] }] },
    },
    vendor,
    { now: later(60), audience: customer.did, jti: jti() },
  )
  const setReordered = await signAcceptance(
    {
      inReplyTo: digest(setOffer),
      intent: intentDigest,
      quantity: 1,
      price: offerBody.price,
      deliverBy: offerBody.deliverBy,
      terms: { agreement: 'SD-BASE', conditions: [{ id: 'payment-methods', value: ['sepa', 'card'] }] },
    },
    customer,
    { now: later(100), audience: vendor.did, jti: jti() },
  )

  // The acceptance's `party` (§Acceptance): the cast key accepts, naming the relationship key,
  // which signs the agreement; an agreement between the cast key and the vendor is refused.
  const c2 = decodePayload(counter2)
  const acceptedForParty = await signAcceptance(
    {
      inReplyTo: digest(counter2),
      intent: intentDigest,
      quantity: c2.quantity,
      price: c2.price,
      deliverBy: c2.deliverBy,
      terms: c2.terms,
      party: relationship.did,
    },
    customer,
    { now: later(240), audience: vendor.did, jti: jti() },
  )
  const partyThread = new Thread(await verify(intent, { now }))
  for (const m of [offer, counter, counter2, acceptedForParty]) partyThread.add(await verify(m, { now: later(240) }))
  const partyBody = partyThread.agreementBody()
  const agreementOfParty = await countersign(
    await signAgreement(partyBody, relationship, { now: later(300), jti: jti() }),
    vendor,
    { now: later(300) },
  )
  const agreementOfCastKey = await countersign(
    await signAgreement({ ...partyBody, parties: { ...partyBody.parties, customer: customer.did } }, customer, {
      now: later(300),
      jti: jti(),
    }),
    vendor,
    { now: later(300) },
  )

  // The bound (§Moves): an intent, an offer and 254 counters, the parties taking turns, one
  // second apart. Their own jtis, so the core counter is not moved 254 places.
  const capped: string[] = [intent, offer]
  for (let n = 1; capped.length < MAX_MESSAGES; n++) {
    const answered = capped[capped.length - 1]!
    const byCustomer = n % 2 === 1
    capped.push(
      await signCounter(
        {
          inReplyTo: digest(answered),
          intent: intentDigest,
          quantity: 1,
          price: { amount: (2100 - n).toFixed(2), currency: 'EUR' },
          terms: { agreement: 'SD-BASE' },
        },
        byCustomer ? customer : vendor,
        {
          now: later(120 + n),
          audience: (byCustomer ? vendor : customer).did,
          jti: `vector-jti-bound-${String(n).padStart(3, '0')}`,
        },
      ),
    )
  }

  const state = (name: string, messages: string[], at: number, s: string, status: string): ThreadVector => ({
    name,
    messages,
    at: iso(at),
    state: s,
    status,
  })
  const last = (messages: string[]) => iatOf(messages[messages.length - 1]!)
  const refused = (name: string, messages: string[], code: string): ThreadVector => ({ name, messages, code })

  const vectors: ThreadVector[] = [
    // States and statuses (§States and DPV statuses), each at `at`.
    state('open: the intent alone', [intent], ip.iat, 'open', DPV_STATUS.initiated),
    state('open: an offer last', [intent, offer], op.iat, 'open', DPV_STATUS.pendingResponse),
    state(
      'open: a counter last',
      [intent, offer, counter],
      last([intent, offer, counter]),
      'open',
      DPV_STATUS.counterOfferMade,
    ),
    state(
      'open: a withdrawal of the offer last (the vendor withdraws its offer, addressed to the customer)',
      [intent, offer, offerWithdrawn],
      last([offerWithdrawn]),
      'open',
      DPV_STATUS.initiated,
    ),
    state(
      'open: at intent.exp + T, the intent is still live',
      [intent, offer],
      ip.exp + 30,
      'open',
      DPV_STATUS.pendingResponse,
    ),
    state(
      'expired: after intent.exp + T, without an acceptance',
      [intent, offer],
      ip.exp + 31,
      'expired',
      DPV_STATUS.expired,
    ),
    state(
      'accepted: an acceptance, no agreement',
      full.slice(0, 5),
      ap.iat,
      'accepted',
      DPV_STATUS.confirmationRequired,
    ),
    state(
      'expired: after the acceptance’s exp + T, without an agreement',
      full.slice(0, 5),
      ap.exp + 31,
      'expired',
      DPV_STATUS.expired,
    ),
    state('agreed: an agreement is not ended by time', full, ip.exp + 86_400, 'agreed', DPV_STATUS.accepted),
    state(
      'terminated: the vendor withdraws the agreement',
      [...full, agreementEndedByVendor],
      last([agreementEndedByVendor]),
      'terminated',
      DPV_STATUS.terminated,
    ),
    state(
      'terminated: the customer withdraws the agreement',
      [...full, agreementEndedByCustomer],
      last([agreementEndedByCustomer]),
      'terminated',
      DPV_STATUS.terminated,
    ),
    // Withdrawals the thread refuses.
    refused(
      'an agreement withdrawn twice',
      [...full, agreementEndedByCustomer, agreementEndedByVendor],
      'ERR_ILLEGAL_MOVE',
    ),
    refused(
      'a withdrawal addressed outside its target: the broadcast intent has no aud, so only its issuer is a party to it',
      [intent, offer, intentWithdrawnToVendor],
      'ERR_BROKEN_LINK',
    ),
    refused(
      'a withdrawal of the offer by someone who did not make it',
      [intent, offer, offerWithdrawnByStranger],
      'ERR_BROKEN_LINK',
    ),
    refused('a withdrawal of an acceptance', [...full.slice(0, 5), acceptanceWithdrawn], 'ERR_ILLEGAL_MOVE'),
    // The same deal.
    state(
      'accepted: the agreement named by its IRI and the conditions in another order are the same deal',
      [intent, offer, acceptedByIri],
      last([acceptedByIri]),
      'accepted',
      DPV_STATUS.confirmationRequired,
    ),
    state(
      'accepted: conditions [] and no conditions are the same deal',
      [intent, bareOffer, acceptedWithEmptyConditions],
      last([acceptedWithEmptyConditions]),
      'accepted',
      DPV_STATUS.confirmationRequired,
    ),
    refused(
      'an acceptance listing a set’s tokens in another order',
      [intent, setOffer, setReordered],
      'ERR_BROKEN_LINK',
    ),
    // party.
    state(
      'agreed: the acceptance names a party, which signs the agreement',
      [intent, offer, counter, counter2, acceptedForParty, agreementOfParty],
      last([agreementOfParty]),
      'agreed',
      DPV_STATUS.accepted,
    ),
    refused(
      'an agreement signed by the acceptance’s issuer when the acceptance names another party',
      [intent, offer, counter, counter2, acceptedForParty, agreementOfCastKey],
      'ERR_BROKEN_LINK',
    ),
    // The order of verification: every message first, in order, then the intent, then the moves.
    refused('no messages', [], 'ERR_BROKEN_LINK'),
    refused('a first message that does not verify', [tampered, offer], 'ERR_SIGNATURE_INVALID'),
    refused(
      'a first message that is not an intent, and a later one that does not verify: messages are verified first',
      [offer, tampered],
      'ERR_SIGNATURE_INVALID',
    ),
    refused('a first message that is not an intent', [offer, intent], 'ERR_BROKEN_LINK'),
    // The bound.
    state(
      `open: ${MAX_MESSAGES} messages (an intent, an offer, ${MAX_MESSAGES - 2} counters)`,
      capped,
      last(capped),
      'open',
      DPV_STATUS.counterOfferMade,
    ),
    refused(
      `${MAX_MESSAGES + 1} messages, the second not a message at all: the count is checked before anything is verified`,
      [intent, ...Array.from({ length: MAX_MESSAGES }, () => 'not a message')],
      'ERR_ILLEGAL_MOVE',
    ),
  ]
  return vectors
}
