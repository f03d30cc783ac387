/**
 * The negotiation state `cast --save` writes and `counter` and `accept` carry on: a wallet (its
 * master secret and cast count), the offers as the cast numbered them (the ranked ones, then
 * those a hard limit excluded, with the reasons), and the wallet's two stores, its negotiation
 * records and the agreements it got back. One JSON file, mode 0600, since the secret signs
 * every move; it is replaced whole by a rename on every change, so a command killed midway
 * leaves the file as it was before or after a change, never half-written.
 *
 * The wallet writes to its stores during a move, not only after it: `accept` keeps its
 * acceptance before sending it, and only those bytes fetch the agreement if the answer is
 * lost. So each store writes the file through on every change. One command at a time per file:
 * two at once would each write over the other's changes.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { MemoryAgreementStore, type AgreementListOptions, type AgreementStore } from '../agreements/store.js'
import { IntentcastError } from '../errors.js'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.js'
import { randomBytes, randomId } from '../lib/random.js'
import { decodeThread, encodeThread } from '../thread/record.js'
import type { Thread } from '../thread/thread.js'
import { holdsAcceptance, negotiationId } from '../wallet/negotiation-record.js'
import type { NegotiationStore } from '../wallet/negotiation-store.js'
import type { Negotiation } from '../wallet/reply.js'
import { Wallet } from '../wallet/wallet.js'
import { isObject, readText, writeSecret } from './io.js'

/** What the file says it is; a file without it is not read. */
const FORMAT = 'intentcast-cli-state'
const VERSION = 1

/** An offer as the cast numbered it: `--offer <n>` names it by that number. */
export interface SavedOffer {
  readonly n: number
  /** The vendor's origin, or the DID of a vendor met through a relay. */
  readonly vendor: string
  /** The offer's digest: the first move of the vendor's thread. */
  readonly digest: string
  /** True for an offer that breaks a hard limit of the intent: not ranked, but open to a counter. */
  readonly excluded: boolean
  /** Its ranking score; absent for an excluded offer. */
  readonly score?: number
  /** Why it ranks where it does, or why it was excluded. */
  readonly reasons: readonly string[]
}

interface StateDocument {
  format: typeof FORMAT
  v: typeof VERSION
  secret: string
  casts: number
  intent: { digest: string; message: string }
  offers: SavedOffer[]
  negotiations: Record<string, string>
  agreements: string[]
}

/** The state file a `--state` argument names: the file itself, or `state.json` in a `cast --save` directory. */
export function statePath(arg: string): string {
  let directory: boolean
  try {
    directory = statSync(arg).isDirectory()
  } catch {
    return arg // reading it says what is wrong
  }
  if (!directory) return arg
  const path = join(arg, 'state.json')
  if (!existsSync(path))
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `${arg} holds no state.json: \`cast --save\` keeps one for an intent body it signs itself, without --key`,
    )
  return path
}

/**
 * A state file, open: the wallet over it, and what the cast saved. `create` makes a new file
 * (never over an existing one: it may hold a wallet with an acceptance in flight); `open` reads
 * one back.
 */
export class StateFile {
  readonly path: string
  readonly wallet: Wallet
  readonly #doc: StateDocument
  // An index of the file's agreements for this one command: the file is the record, so nothing is
  // to be evicted from it, and the bound only stops a state grown past reason from taking the heap.
  readonly #agreements = new MemoryAgreementStore({ maxBytes: 2 ** 30 })

  private constructor(path: string, doc: StateDocument) {
    this.path = path
    this.#doc = doc
    const stores = { negotiations: this.#negotiationStore(), agreements: this.#agreementStore() }
    this.wallet = Wallet.fromSecret(decodeBase64url(doc.secret, 'the state secret'), { casts: doc.casts }, { stores })
  }

  /**
   * A new state file at `path`, written at once so that a path that cannot take it fails before
   * anything is cast, holding a new wallet and nothing else yet.
   */
  static create(path: string): StateFile {
    if (existsSync(path))
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        `${path} exists, and may hold a negotiation in progress; choose another path or remove it`,
      )
    const state = new StateFile(path, {
      format: FORMAT,
      v: VERSION,
      secret: encodeBase64url(randomBytes(32)),
      casts: 0,
      intent: { digest: '', message: '' },
      offers: [],
      negotiations: {},
      agreements: [],
    })
    writeSecret(path, state.#text())
    return state
  }

  /** The state file at `arg` (a file, or a directory `cast --save` wrote), with its agreements verified again. */
  static async open(arg: string): Promise<StateFile> {
    const path = statePath(arg)
    const doc = parseState(readText(path), path)
    const state = new StateFile(path, doc)
    for (const record of doc.agreements) {
      // A record that no longer verifies is not used, and is kept for whoever looks into it.
      const thread = await decodeThread(record).catch(() => undefined)
      if (thread?.agreement !== undefined) state.#agreements.put(thread)
    }
    return state
  }

  /** The cast's offers by number: the ranked ones best first, then the excluded ones. */
  get offers(): readonly SavedOffer[] {
    return this.#doc.offers
  }

  /** True when the state holds an acceptance of `negotiation` in flight, sent with no agreement back yet. */
  holdsAcceptance(negotiation: Negotiation): boolean {
    const record = this.#doc.negotiations[negotiationId(negotiation)]
    return record !== undefined && holdsAcceptance(record)
  }

  /** Removes a new file whose cast failed, so the command can run again; one holding a negotiation stays. */
  discard(): void {
    if (Object.keys(this.#doc.negotiations).length === 0) rmSync(this.path, { force: true })
  }

  /** Records what a cast brought back: its intent and its offers, numbered. */
  saveCast(intent: { digest: string; message: string }, offers: SavedOffer[]): void {
    this.#doc.intent = intent
    this.#doc.offers = offers
    this.#flush()
  }

  #text(): string {
    this.#doc.casts = this.wallet.casts
    return JSON.stringify(this.#doc, null, 2) + '\n'
  }

  /** Replaces the file whole: a new 0600 file beside it, renamed over it. */
  #flush(): void {
    const temp = `${this.path}.${randomId()}.tmp`
    writeSecret(temp, this.#text())
    try {
      renameSync(temp, this.path)
    } catch (cause) {
      rmSync(temp, { force: true })
      throw new IntentcastError('ERR_INVALID_ARGUMENT', `cannot write ${this.path}`, { cause })
    }
  }

  #negotiationStore(): NegotiationStore {
    const records = this.#doc.negotiations
    return {
      get: (id) => records[id],
      put: (id, record) => {
        records[id] = record
        this.#flush()
      },
      delete: (id) => {
        if (!(id in records)) return
        delete records[id]
        this.#flush()
      },
      list: () => Object.entries(records),
    }
  }

  #agreementStore(): AgreementStore {
    const memory = this.#agreements
    return {
      put: (thread: Thread) => {
        const digest = thread.agreement?.digest
        const kept = digest === undefined ? undefined : memory.get(digest)
        memory.put(thread)
        if (kept !== undefined && kept.messages.length >= thread.messages.length) return
        const records = this.#doc.agreements
        const record = encodeThread(thread)
        // A longer thread for the same agreement (a withdrawal since) replaces the one kept.
        const at = kept === undefined ? -1 : records.indexOf(encodeThread(kept))
        if (at >= 0) records[at] = record
        else records.push(record)
        this.#flush()
      },
      get: (digest: string) => memory.get(digest),
      list: (options?: AgreementListOptions) => memory.list(options),
    }
  }
}

/** The document in a state file, checked for its shape; its records are verified when the wallet reads them. */
function parseState(text: string, path: string): StateDocument {
  const refuse = (why: string): IntentcastError =>
    new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      `${path} is not a negotiation state written by \`intentcast cast --save\` (${why})`,
    )
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (cause) {
    throw new IntentcastError('ERR_INVALID_ARGUMENT', `${path} is not JSON`, { cause })
  }
  if (!isObject(doc) || doc.format !== FORMAT) throw refuse('no "format": "intentcast-cli-state"')
  if (doc.v !== VERSION) throw refuse(`version ${String(doc.v).slice(0, 16)}; this intentcast reads ${VERSION}`)
  const { secret, casts, intent, offers, negotiations, agreements } = doc
  if (typeof secret !== 'string' || !Number.isSafeInteger(casts)) throw refuse('no wallet')
  if (!isObject(intent) || typeof intent.digest !== 'string' || typeof intent.message !== 'string')
    throw refuse('no intent')
  if (!Array.isArray(offers) || !offers.every(isSavedOffer)) throw refuse('its offers are not a list of offers')
  if (!isObject(negotiations) || !Object.values(negotiations).every((r) => typeof r === 'string'))
    throw refuse('its negotiations are not records')
  if (!Array.isArray(agreements) || !agreements.every((r) => typeof r === 'string'))
    throw refuse('its agreements are not records')
  return doc as unknown as StateDocument
}

function isSavedOffer(o: unknown): o is SavedOffer {
  return (
    isObject(o) &&
    Number.isSafeInteger(o.n) &&
    typeof o.vendor === 'string' &&
    typeof o.digest === 'string' &&
    typeof o.excluded === 'boolean' &&
    Array.isArray(o.reasons)
  )
}
