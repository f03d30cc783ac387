import * as z from 'zod/mini'
import type { TermSet } from './term-set.js'
import { expecting } from './expected.js'
import { normalizeAgreementId } from './roster.js'
import { parseWith } from './parse.js'

/** `/.well-known/myterms.json`: the early IEEE 7012 publication format. */
export interface MyTermsDocument {
  readonly effective_date?: string
  readonly agreements: ReadonlyArray<{ readonly id: string; readonly url?: string }>
  readonly tos_url?: string
}

/** `/.well-known/gpc.json` (Global Privacy Control). */
export interface GpcDocument {
  readonly gpc: boolean
  readonly lastUpdate?: string
}

/**
 * The path of a site's `myterms.json`, the early IEEE 7012 publication format: an unsigned
 * hint a wallet reads beside the vendor document.
 *
 * @example
 * ```ts
 * import { MYTERMS_PATH } from 'intentcast'
 *
 * new URL(MYTERMS_PATH, 'https://velo.example').href // 'https://velo.example/.well-known/myterms.json'
 * ```
 */
export const MYTERMS_PATH = '/.well-known/myterms.json'
/**
 * The path of a site's Global Privacy Control file: an unsigned hint a wallet reads beside the
 * vendor document.
 *
 * @example
 * ```ts
 * import { GPC_PATH } from 'intentcast'
 *
 * new URL(GPC_PATH, 'https://velo.example').href // 'https://velo.example/.well-known/gpc.json'
 * ```
 */
export const GPC_PATH = '/.well-known/gpc.json'

// Both are read leniently (unknown members ignored) but bounded: they come from any website.
const upTo = (max: number) => z.string(expecting(`a string of at most ${max} characters`)).check(z.maxLength(max))

const MyTerms = z.object({
  effective_date: z.optional(upTo(64)),
  agreements: z
    .array(z.object({ id: upTo(256), url: z.optional(upTo(2048)) }), expecting('a list of at most 64 agreements'))
    .check(z.maxLength(64)),
  tos_url: z.optional(upTo(2048)),
})

const Gpc = z.object({ gpc: z.boolean(expecting('true or false')), lastUpdate: z.optional(upTo(64)) })

function parse<T>(schema: z.ZodMiniType<T>, json: unknown, what: string): T {
  return parseWith(schema, json, what, 'ERR_SCHEMA')
}

export function parseMyTerms(json: unknown): MyTermsDocument {
  const d = parse(MyTerms, json, 'myterms.json')
  return {
    ...(d.effective_date !== undefined && { effective_date: d.effective_date }),
    agreements: d.agreements.map((a) => ({ id: a.id, ...(a.url !== undefined && { url: a.url }) })),
    ...(d.tos_url !== undefined && { tos_url: d.tos_url }),
  }
}

export function parseGpc(json: unknown): GpcDocument {
  const d = parse(Gpc, json, 'gpc.json')
  return { gpc: d.gpc, ...(d.lastUpdate !== undefined && { lastUpdate: d.lastUpdate }) }
}

/**
 * What a vendor that honours GPC commits to, in the terms model: it does not sell or share contact data.
 *
 * @example
 * ```ts
 * import { GPC_CONDITION } from 'intentcast'
 *
 * GPC_CONDITION // { id: 'no-resale', value: true }, the condition a term set derived from gpc.json carries
 * ```
 */
export const GPC_CONDITION = Object.freeze({ id: 'no-resale', value: true })

/**
 * The term set unsigned signals stand for (spec §HTTP binding, Other signals): each
 * myterms.json agreement whose `id` or `url` names a 7012 roster entry, in the vendor's order;
 * entries outside the roster are skipped. GPC adds the `no-resale` obligation. Without a
 * roster agreement there is no term set: GPC alone accepts no 7012 agreement.
 */
export function termSetFromSignals(
  myterms: MyTermsDocument | undefined,
  gpc: GpcDocument | undefined,
): TermSet | undefined {
  const ids: string[] = []
  for (const a of myterms?.agreements ?? []) {
    const id = normalizeAgreementId(a.id) ?? (a.url !== undefined ? normalizeAgreementId(a.url) : undefined)
    if (id !== undefined && !ids.includes(id)) ids.push(id)
  }
  if (ids.length === 0) return undefined
  return { agreements: ids.slice(0, 16), ...(gpc?.gpc === true && { conditions: [{ ...GPC_CONDITION }] }) }
}
