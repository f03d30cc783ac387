import { coreVectors } from './vectors-core.js'
import { coseVectors } from './vectors-cose.js'
import { discloseVectors } from './vectors-disclose.js'
import { sealVectors } from './vectors-seal.js'
import { termsVectors } from './vectors-terms.js'

/** Every vector file, by name. */
export async function allVectors(): Promise<Record<string, unknown>> {
  const core = await coreVectors()
  return {
    keys: core.keys,
    messages: core.messages,
    threads: core.threads,
    terms: termsVectors(),
    cose: await coseVectors(),
    seal: await sealVectors(core.messages),
    disclose: await discloseVectors(),
  }
}
