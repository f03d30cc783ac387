/** The platform's synchronous SHA-256 (node:crypto), once the native backend has loaded it. */
export const native: { sha256?: (data: Uint8Array) => Uint8Array } = {}

/** Called by the native backend when node:crypto has loaded. */
export function useNodeSha256(createHash: typeof import('node:crypto').createHash): void {
  native.sha256 = (data) => {
    const d = createHash('sha256').update(data).digest()
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
  }
}
