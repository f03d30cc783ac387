/** The platform's synchronous SHA-256 (node:crypto), once the native backend has loaded it. */
export const native: { sha256?: (data: Uint8Array) => Uint8Array } = {}

type NodeCrypto = typeof import('node:crypto')

/**
 * Called by the native backend when node:crypto has loaded. The one-shot `hash` (Node 20.12+)
 * skips building a Hash object per call; older Nodes use `createHash`.
 */
export function useNodeSha256(nodeCrypto: Pick<NodeCrypto, 'createHash'> & { hash?: NodeCrypto['hash'] }): void {
  const { hash, createHash } = nodeCrypto
  native.sha256 = (data) => {
    const d = hash ? hash('sha256', data, 'buffer') : createHash('sha256').update(data).digest()
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
  }
}
