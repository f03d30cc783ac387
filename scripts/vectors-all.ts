import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { coreVectors } from './vectors-core.js'
import { coseVectors } from './vectors-cose.js'
import { discloseVectors } from './vectors-disclose.js'
import { httpVectors } from './vectors-http.js'
import { sealVectors } from './vectors-seal.js'
import { termsVectors } from './vectors-terms.js'
import { walletVectors } from './vectors-wallet.js'

/** The version of spec/intentcast.md the vectors go with; messages still carry `v` "0.1". */
export const SPEC_VERSION = '0.2'
export const PROTOCOL_VERSION = '0.1'

/** A vector file as it is written: two-space JSON and a final newline. */
export const fileText = (data: unknown): string => JSON.stringify(data, null, 2) + '\n'

/**
 * The files under spec/vectors that `npm run vectors` does not write: kept as data (RFC 8037's
 * example) or written by scripts/vectors-ed25519.ts. The manifest lists them too.
 */
export const STATIC_FILES = [
  'rfc8037.json',
  'ed25519/constructed.json',
  'ed25519/rfc8032.json',
  'ed25519/speccheck.json',
]

type Json = Record<string, unknown> & { [k: string]: any } // eslint-disable-line @typescript-eslint/no-explicit-any
const len = (x: unknown): number => (Array.isArray(x) ? x.length : 0)

/** How many vectors each file holds: the cases a replayer runs (spec §Test vectors, the manifest). */
export const COUNT: Readonly<Record<string, (j: Json) => number>> = {
  'cose.json': (j) => len(j.valid) + len(j.invalid) + len(j.links.valid) + len(j.links.invalid),
  'disclose.json': (j) =>
    len(j.rfc9901.disclosures) +
    len(j.rfc9901.checks) +
    len(j.messages) +
    len(j.presentations.valid) +
    len(j.presentations.invalid) +
    len(j.checks),
  'http.json': (j) => len(j.cases),
  'keys.json': (j) => Object.keys(j.keys).length,
  'messages.json': (j) => len(j.valid) + len(j.invalid),
  'seal.json': (j) =>
    len(j.valid) + len(j.invalid) + len(j.cose.valid) + len(j.cose.invalid) + len(j.bodies) + len(j.derivation),
  'terms.json': (j) => len(j.match) + len(j.negotiate) + len(j.rank),
  'threads.json': (j) => len(j),
  'wallet.json': (j) => len(j.casts) + len(j.vendors),
  'rfc8037.json': () => 1,
  'ed25519/constructed.json': (j) => len(j.cases),
  'ed25519/rfc8032.json': (j) => len(j.vectors),
  'ed25519/speccheck.json': (j) => len(j.cases),
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')

/** spec/vectors/manifest.json: every vector file, how many vectors it holds, and its SHA-256. */
export function manifest(texts: Readonly<Record<string, string>>) {
  const files = Object.keys(texts)
    .sort()
    .map((file) => {
      const count = COUNT[file]
      if (!count) throw new Error(`manifest: no count for ${file}`)
      return { file, count: count(JSON.parse(texts[file]!) as Json), sha256: sha256(texts[file]!) }
    })
  return {
    description:
      'The test vectors of the intentcast wire specification (spec/intentcast.md, §Test vectors): each file, the number of vectors it holds, and the SHA-256 of its bytes (hex).',
    spec: SPEC_VERSION,
    protocol: PROTOCOL_VERSION,
    files,
  }
}

/** Every vector file, by name: the generated ones, then the manifest of all of them. */
export async function allVectors(): Promise<Record<string, unknown>> {
  const core = await coreVectors()
  const generated: Record<string, unknown> = {
    keys: core.keys,
    messages: core.messages,
    threads: core.threads,
    terms: termsVectors(),
    cose: await coseVectors(),
    seal: await sealVectors(core.messages),
    disclose: await discloseVectors(),
    wallet: await walletVectors(),
    http: await httpVectors(),
  }
  const texts: Record<string, string> = Object.fromEntries(
    Object.entries(generated).map(([name, data]) => [`${name}.json`, fileText(data)]),
  )
  for (const file of STATIC_FILES)
    texts[file] = readFileSync(new URL(`../spec/vectors/${file}`, import.meta.url), 'utf8')
  return { ...generated, manifest: manifest(texts) }
}
