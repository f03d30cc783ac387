/**
 * The vendor document (spec §HTTP binding, Discovery): fetched and judged the way a wallet's
 * `discover` judges it, but one rule per check, so a vendor learns which rule it breaks rather
 * than that discovery failed. What the later checks need (the endpoint, the live keys, the seal
 * keys, the terms) comes back as a VendorSite.
 */
import { verify, type Verified } from '../envelope/verify.js'
import { kidForDid } from '../keys/did-key.js'
import { parseJsonStrict } from '../lib/json.js'
import { MEDIA_TYPE_JSON, MEDIA_TYPE_JWS, WELL_KNOWN_PATH } from '../model/media-types.js'
import {
  liveKeys,
  parseVendorDocument,
  type VendorDocument,
  type VendorKey,
  type VendorSealKey,
} from '../model/vendor-document.js'
import { expectHttpProblem, probe, summary, textOf, type ProbeOptions } from './probe.js'
import { expectThat, type Checklist } from './report.js'

/** What discovery found, verified: everything the message checks need. */
export interface VendorSite {
  readonly origin: string
  readonly endpoint: string
  readonly document: VendorDocument
  readonly terms: Verified<'terms', 'jws'>
  /** The signing keys that count now. */
  readonly keys: readonly VendorKey[]
  /** The encryption keys that count now; empty when the vendor lists none. */
  readonly sealKeys: readonly VendorSealKey[]
}

const DOCUMENT = '§HTTP binding, The vendor document'

/**
 * Runs the discovery checks on `origin`. Resolves the site when the document could be read and
 * its endpoint and terms hold, else undefined: nothing can be sent to a vendor without them.
 */
export async function checkDiscovery(
  list: Checklist,
  http: ProbeOptions,
  origin: string,
): Promise<VendorSite | undefined> {
  let document: VendorDocument | undefined
  await list.check(
    {
      id: 'discovery.document',
      section: DOCUMENT,
      title: `GET ${WELL_KNOWN_PATH} is 200 ${MEDIA_TYPE_JSON}: a vendor document of the shape the table gives`,
    },
    async () => {
      const answer = await probe(http, origin + WELL_KNOWN_PATH, {
        method: 'GET',
        headers: { accept: MEDIA_TYPE_JSON },
      })
      expectThat(answer.status === 200, `expected 200, got ${summary(answer)}`)
      expectThat(answer.mediaType === MEDIA_TYPE_JSON, `it is ${answer.mediaType || 'untyped'}, not ${MEDIA_TYPE_JSON}`)
      document = parseVendorDocument(parseJsonStrict(textOf(answer), 'vendor document'))
    },
  )
  if (document === undefined) return undefined
  const doc = document
  const endpointOk = await list.check(
    {
      id: 'discovery.endpoint',
      section: '§HTTP binding, Discovering (step 4)',
      title: 'the endpoint is an absolute URL on the same origin as the document',
    },
    async () => {
      expectThat(URL.canParse(doc.endpoint), `the endpoint ${doc.endpoint.slice(0, 128)} is not a URL`)
      const at = new URL(doc.endpoint).origin
      expectThat(at === origin, `the endpoint is on ${at}, not ${origin}`)
    },
  )
  let terms: Verified<'terms', 'jws'> | undefined
  await list.check(
    {
      id: 'discovery.terms',
      section: '§HTTP binding, Discovering (step 5)',
      title: 'terms is a signed vendor declaration that verifies, signed by a current key',
    },
    async () => {
      const verified = await verify(doc.terms, { expect: 'terms' })
      expectThat(verified.payload.role === 'vendor', `the declaration's role is ${verified.payload.role}, not vendor`)
      const current = doc.keys.keys.filter((k) => k.status === 'current').map((k) => k.kid)
      expectThat(current.includes(kidForDid(verified.issuer)), 'the terms are not signed by a listed current key')
      terms = verified
    },
  )
  const now = new Date()
  await list.check(
    {
      id: 'discovery.keys',
      section: '§HTTP binding, Keys and rotation',
      title: 'keys: a current Ed25519 key, each kid its DID URL, no retired key past its exp',
    },
    async () => {
      expectThat(
        doc.keys.keys.some((k) => k.status === 'current'),
        'no key is current',
      )
      const stale = doc.keys.keys.filter((k) => !liveKeys([k], now).length)
      expectThat(stale.length === 0, `a retired key is listed after its exp (${stale[0]?.kid.slice(0, 80)})`)
      return `${doc.keys.keys.length} key${doc.keys.keys.length === 1 ? '' : 's'}`
    },
  )
  await list.check(
    {
      id: 'discovery.seal-keys',
      section: '§Encrypted envelopes, Keys',
      title: 'sealKeys, when listed: X25519 keys whose kid is the thumbprint of x, one current',
    },
    async () => {
      const keys = doc.sealKeys?.keys
      if (keys === undefined) return 'no sealKeys (optional): customers cannot seal their moves to this vendor'
      expectThat(
        keys.some((k) => k.status === 'current'),
        'no seal key is current',
      )
      const stale = keys.filter((k) => !liveKeys([k], now).length)
      expectThat(stale.length === 0, `a retired seal key is listed after its exp (${stale[0]?.kid})`)
    },
  )
  await list.check(
    {
      id: 'discovery.media-types',
      section: '§HTTP binding, Request bodies',
      title: `mediaTypes lists ${MEDIA_TYPE_JWS}, which the message checks send`,
    },
    async () => {
      expectThat(doc.mediaTypes.includes(MEDIA_TYPE_JWS), `mediaTypes is ${doc.mediaTypes.join(', ')}`)
      return doc.mediaTypes.join(', ')
    },
  )
  await list.check(
    {
      id: 'http.not-found',
      section: '§HTTP binding, Problems',
      title: 'a path the vendor does not serve is 404, a problem of type about:blank without a code',
    },
    async () => {
      const path = `/.well-known/intentcast-conformance-${Math.random().toString(36).slice(2, 10)}`
      expectHttpProblem(await probe(http, origin + path, { method: 'GET' }), 404)
    },
  )
  if (!endpointOk || terms === undefined) return undefined
  await list.check(
    {
      id: 'http.method',
      section: '§HTTP binding, Problems',
      title: 'GET on the endpoint is 405 with Allow, a problem without a code',
    },
    async () => {
      const answer = await probe(http, doc.endpoint, { method: 'GET' })
      expectHttpProblem(answer, 405)
      expectThat(answer.headers.get('allow')?.includes('POST'), 'the 405 has no Allow naming POST')
    },
  )
  return {
    origin,
    endpoint: doc.endpoint,
    document: doc,
    terms,
    keys: liveKeys(doc.keys.keys, now),
    sealKeys: liveKeys(doc.sealKeys?.keys ?? [], now),
  }
}
