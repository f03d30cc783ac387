/**
 * The vendor document (`/.well-known/intentcast`, spec §HTTP binding) and the terms it carries.
 * The terms are signed once, at start; a bad declaration is the vendor's configuration, so it
 * fails `ready` with ERR_INVALID_ARGUMENT and makes every request a 500 until fixed, rather than
 * serving a document no wallet would accept.
 */
import { IntentcastError } from '../errors.js'
import { signTerms, type TermsBody } from '../envelope/sign.js'
import { verify, type Verified } from '../envelope/verify.js'
import { BODY_TYPES } from '../http/sealed-body.js'
import type { KeyPair } from '../keys/key-pair.js'
import { PROTOCOL_VERSION } from '../model/primitives.js'
import type { VendorDocument } from '../model/vendor-document.js'
import { json } from './answers.js'
import { asVendor } from './callbacks.js'
import type { Vendor } from './state.js'

/** Signs or checks the vendor's terms: a vendor declaration, signed by the current key. */
export async function prepareTerms(terms: TermsBody | string, keyPair: KeyPair): Promise<Verified<'terms', 'jws'>> {
  const invalid = (message: string, cause?: unknown) =>
    new IntentcastError('ERR_INVALID_ARGUMENT', `createVendorHandler: ${message}`, { cause })
  let signed: string
  try {
    signed = typeof terms === 'string' ? terms : await signTerms(terms, keyPair)
  } catch (cause) {
    throw invalid(`the terms cannot be signed (${(cause as Error).message})`, cause)
  }
  let verified: Verified<'terms', 'jws'>
  try {
    verified = await verify(signed, { expect: 'terms' })
  } catch (cause) {
    throw invalid(`the terms do not verify (${(cause as Error).message})`, cause)
  }
  if (verified.payload.role !== 'vendor') throw invalid('the terms must be a vendor declaration (role vendor)')
  if (verified.issuer !== keyPair.did) throw invalid('the terms must be signed by the current keyPair')
  return verified
}

/**
 * The vendor document for a request: the endpoint is absolute, on the public origin if one is set.
 * Without a configured origin the endpoint comes from the request URL, that is from the `Host`
 * header the client chose; such an answer is only true for that one request, so it is served
 * `no-store` (spec §The vendor document): a forged `Host` must not poison a shared cache, and
 * `Vary: Host` is not enough, since a cache may ignore it. With `http.origin` the document is the
 * same for everyone and stays cacheable.
 */
export async function vendorDocument(request: Request, vendor: Vendor): Promise<Response> {
  const terms = await asVendor(() => vendor.terms)
  const configured = vendor.options.origin
  const document: VendorDocument = {
    v: PROTOCOL_VERSION,
    terms: terms.message,
    endpoint: (configured ?? new URL(request.url).origin) + vendor.options.endpointPath,
    mediaTypes: [...BODY_TYPES],
    keys: { keys: vendor.keys.listed() },
    sealKeys: { keys: await vendor.keys.listedSealKeys() },
  }
  const response = json(document)
  if (configured === undefined) response.headers.set('cache-control', 'no-store')
  return response
}
