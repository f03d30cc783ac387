/**
 * `intentcast/disclose`: selective disclosure (spec §Selective disclosure). Claims hidden behind
 * salted digests in the RFC 9901 (SD-JWT) disclosure format: an acceptance's delivery and contact
 * details, which its agreement commits to so both parties sign them, and the precise forms of an
 * intent's `want`. The holder of an agreement shows it to a third party with the disclosures it
 * chooses, and the third party learns exactly those.
 *
 * Why not `@sd-jwt/core` (evaluated at 0.20.0): it is built around issuing and presenting an
 * SD-JWT, a JWT signed by one issuer through its own signer and verifier callbacks, in the compact
 * `~` serialization (or its own JWS JSON shapes), with `_sd` and `_sd_alg` at the top of the
 * payload. Our digest sets sit inside messages that our own envelopes sign: a two-party agreement
 * in JWS JSON or COSE_Sign, checked by `verify`. What we need of RFC 9901 is only the
 * disclosure format and its digest, about fifty lines on our SHA-256 and strict base64url and JSON
 * readers. The library would add a runtime dependency (with an alpha-versioned one of its own) to
 * a package that keeps few, errors without stable codes (an SDJWTException and its message), and
 * none of the rules we need: one order for a subset, and distinct codes for an unknown, a
 * duplicated and a reordered disclosure. The RFC's own examples are our test vectors.
 *
 * @example
 * ```ts
 * import { discloseClaims, presentAgreement, verifyPresentation } from 'intentcast/disclose'
 *
 * // The customer hides its details behind digests, and sends the disclosures sealed to the vendor.
 * const details = await discloseClaims({ email: 'ada@example.org', address: { locality: 'Berlin' } })
 * // … the acceptance carries details.claim and details.disclosures; the agreement copies details.claim.
 *
 * // Later, it shows the agreement with the address only.
 * const shown = presentAgreement(agreement.message, [details.disclosures[0]!])
 * const { disclosed } = await verifyPresentation(shown)
 * ```
 * @module
 */
export { checkDisclosures, type DisclosedClaims } from './check.js'
export { disclosedIn, type Disclosed } from './disclosed.js'
export { ContactDetails, PostalAddress, PreciseWant } from './claims.js'
export { discloseClaims, type DiscloseOptions, type SaltedClaims } from './disclose.js'
export { disclosureDigest, parseDisclosure, type Disclosure } from './disclosure.js'
export { presentAgreement, verifyPresentation, type PresentationOptions, type VerifiedPresentation } from './present.js'
