/**
 * `npx tsx examples/qr.ts`: an intent as a QR code and back.
 *
 *  1. A customer signs an intent in COSE; a bike shop signs its terms (its r-button) in COSE.
 *  2. Both go into one `intentcast:` URI (base45, QR alphanumeric mode), drawn as a QR code:
 *     SVG and GIF files under test-artifacts/ (or $QR_OUT).
 *  3. The QR code's pixels are read back with the same library's decoder, the URI parsed and
 *     both messages verified; the shop's terms light the customer's r-button.
 *
 * Everything is offline and in memory apart from the two image files.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { encodeQR } from '@paulmillr/qr'
import { decodeQR } from '@paulmillr/qr/decode.js'
import { generateKeyPair, signIntent, signTerms } from '../src/index.js'
import { toIntentcastUri, verifyIntentcastUri } from '../src/index.js'
import { matchTerms } from '../src/terms/index.js'

const customer = await generateKeyPair()
const shop = await generateKeyPair()

const intent = await signIntent(
  {
    want: {
      item: { name: 'cargo bike', category: 'bicycles' },
      quantity: 1,
      maxPrice: { amount: '2000.00', currency: 'EUR' },
      region: 'DE-BE',
    },
    terms: {
      agreements: ['SD-BASE'],
      conditions: [{ id: 'retention-days', value: '30', unit: 'day', required: true }],
    },
  },
  customer,
  { format: 'cose' },
)
const terms = await signTerms(
  {
    role: 'vendor',
    name: 'Lastenrad Berlin',
    terms: { agreements: ['SD-BASE', 'SD-BASE-A'], conditions: [{ id: 'retention-days', value: '30', unit: 'day' }] },
  },
  shop,
  { format: 'cose' },
)

// 1. The link: one string, every character in the QR alphanumeric set.
const uri = toIntentcastUri(intent, { terms })
console.log(`intent ${intent.length} bytes + terms ${terms.length} bytes → ${uri.length} characters`)
console.log(`  ${uri.slice(0, 72)}…`)

// 2. The QR code, in alphanumeric mode, as SVG and GIF.
const qr = { ecc: 'medium', encoding: 'alphanumeric' } as const
const modules = encodeQR(uri, 'raw', { ...qr, border: 0 })
const out = resolve(process.env.QR_OUT ?? 'test-artifacts')
mkdirSync(out, { recursive: true })
writeFileSync(join(out, 'intentcast-qr.svg'), encodeQR(uri, 'svg', qr))
writeFileSync(join(out, 'intentcast-qr.gif'), encodeQR(uri, 'gif', { ...qr, scale: 4 }))
console.log(
  `QR version ${(modules.length - 17) / 4} (${modules.length}×${modules.length} modules) → ${join(out, 'intentcast-qr.svg')}, .gif`,
)

// 3. Back: the code's pixels, as a camera frame would give them, through the decoder. The
// decoder misreads about one frame in ten at some pixel sizes (and, for some codes, at every size
// with one framing: CI met one); like a camera, it tries again at other sizes and framings.
let scanned: string | undefined
scan: for (const border of [4, 6, 3]) {
  const matrix = encodeQR(uri, 'raw', { ...qr, border })
  for (const scale of [4, 6, 5, 7, 8, 3, 9, 10, 11, 12]) {
    try {
      scanned = decodeQR(toImage(matrix, scale))
      if (scanned === uri) break scan
    } catch {
      // an unreadable frame: take the next
    }
  }
}
if (scanned !== uri) throw new Error('the QR code did not read back as the URI it encodes')
const link = await verifyIntentcastUri(scanned, { expect: 'intent' })
if (link.message.issuer !== customer.did || link.terms?.issuer !== shop.did)
  throw new Error('the link carried other signers')
const match = matchTerms(link.message.payload.terms, link.terms)
console.log(
  `scanned and verified: the ${link.message.kind} for "${link.message.payload.want.item.name}" from ${link.message.issuer.slice(0, 24)}…`,
)
console.log(
  `${link.terms.payload.name ?? 'the shop'}'s terms light the r-button: ${match.state}${match.agreement ? ` (agreement ${match.agreement})` : ''}`,
)

/** Black and white RGBA pixels of a module matrix, `scale` pixels a module. */
function toImage(matrix: boolean[][], scale: number) {
  const size = matrix.length * scale
  const data = new Uint8Array(size * size * 4)
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = matrix[Math.floor(y / scale)]![Math.floor(x / scale)] ? 0 : 255
      data.set([v, v, v, 255], (y * size + x) * 4)
    }
  }
  return { width: size, height: size, data }
}
