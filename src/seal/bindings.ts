/**
 * The two bindings' code, each loaded on first use, once: a program that seals and opens only
 * JWS bodies carries no CBOR decoder, one that uses only COSE carries no JWE code.
 */
let jwe: Promise<typeof import('./jwe.js')> | undefined
let cose: Promise<typeof import('./cose.js')> | undefined

export const jweBinding = () => (jwe ??= import('./jwe.js'))
export const coseBinding = () => (cose ??= import('./cose.js'))
