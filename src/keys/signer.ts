import { preparePrivateKey, type PreparedPrivateKey } from '../crypto/prepared.js'
import { IntentcastError } from '../errors.js'
import { encodeBase64url } from '../lib/base64url.js'
import { didFromPublicKey, kidForDid } from './did-key.js'
import { seedFromJwk, type KeyPair } from './key-pair.js'

export interface Signer {
  readonly did: string
  readonly kid: string
  readonly key: PreparedPrivateKey
}

// Keyed by the private JWK object: a wallet signs many messages with one pair, and importing
// the seed each time would cost more than the signature.
const signers = new WeakMap<object, Promise<Signer>>()

/** The prepared signer of a key pair; checks once that `did` and `x` belong to `d`. */
export function signerFor(keyPair: KeyPair): Promise<Signer> {
  const jwk = keyPair?.privateJwk
  if (typeof jwk !== 'object' || jwk === null || typeof jwk.d !== 'string') {
    return Promise.reject(
      new IntentcastError('ERR_INVALID_ARGUMENT', 'a key pair from generateKeyPair() is needed to sign'),
    )
  }
  let signer = signers.get(jwk)
  if (!signer) {
    signer = prepare(keyPair)
    signers.set(jwk, signer)
  }
  return signer
}

async function prepare(keyPair: KeyPair): Promise<Signer> {
  const key = await preparePrivateKey(seedFromJwk(keyPair.privateJwk.d))
  const did = didFromPublicKey(key.publicKey)
  if (did !== keyPair.did || encodeBase64url(key.publicKey) !== keyPair.privateJwk.x) {
    throw new IntentcastError(
      'ERR_INVALID_ARGUMENT',
      'the key pair is inconsistent: did, x and d do not belong together',
    )
  }
  return { did, kid: kidForDid(did), key }
}
