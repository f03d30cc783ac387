// Apart from the SealKey schema: SHA-256 would otherwise ride into every bundle that parses a
// message (the r-button's included), where only readers of vendor documents need it.
import { sha256 } from '../crypto/sha256.js'
import { encodeBase64url } from '../lib/base64url.js'
import { utf8 } from '../lib/utf8.js'

/**
 * The RFC 7638 thumbprint of the X25519 public key `x`: SHA-256 over `{"crv","kty","x"}` in that
 * order, base64url. It is the `kid` of a seal key, so a published `kid` can be checked against
 * its `x`, and a sealed message names the key it was sealed to without naming its owner. The
 * `intentcast/seal` entry exports it as `sealKeyId`, which checks its argument first.
 */
export function sealKeyThumbprint(x: string): string {
  return encodeBase64url(sha256(utf8(`{"crv":"X25519","kty":"OKP","x":"${x}"}`)))
}
