/**
 * `intentcast:` links: COSE messages, and a vendor's COSE terms, as one string for QR codes and
 * deep links (spec §COSE binding, Links and QR codes).
 * @module
 */
export {
  INTENTCAST_URI_SCHEME,
  LINK_DEFAULT_MAX_BYTES,
  parseIntentcastUri,
  toIntentcastUri,
  type IntentcastLink,
  type IntentcastUriOptions,
  type ParseIntentcastUriOptions,
} from './uri.js'
export { verifyIntentcastUri, type VerifiedLink, type VerifyIntentcastUriOptions } from './verify.js'
