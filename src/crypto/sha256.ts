/**
 * SHA-256 for message digests. Every verify hashes the signed bytes once more for the digest,
 * and @noble/hashes costs several microseconds per kilobyte where node:crypto costs about one,
 * so Node's hash is used once the native backend has loaded node:crypto; noble everywhere else.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'

type Hash = (data: Uint8Array) => Uint8Array

let hash: Hash = nobleSha256

/** Called by the native backend when node:crypto has loaded. */
export function useNodeSha256(createHash: typeof import('node:crypto').createHash): void {
  hash = (data) => {
    const d = createHash('sha256').update(data).digest()
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
  }
}

export function sha256(data: Uint8Array): Uint8Array {
  return hash(data)
}
