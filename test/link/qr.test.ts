/**
 * The measurement the link form was chosen by (spec §COSE binding, Links and QR codes), kept
 * true by a test: for typical messages, base45 in QR alphanumeric mode, percent-encoded as the URI
 * form requires, gives a smaller QR code than base64url in byte mode. And a real QR code of a
 * link reads back, through the library's decoder, to a message that verifies.
 */
import { encodeQR } from '@paulmillr/qr'
import { decodeQR } from '@paulmillr/qr/decode.js'
import { describe, expect, it } from 'vitest'
import { qrComparison, typicalMessages } from '../../bench/cose.js'
import { verify } from '../../src/index.js'
import { parseIntentcastUri, toIntentcastUri } from '../../src/index.js'

const m = await typicalMessages()
const now = new Date('2030-01-01T00:00:00Z')

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

describe('QR codes of links', () => {
  it.each([
    ['intent', m.intent.cose, undefined],
    ['vendor terms', m.terms.cose, undefined],
    ['intent + vendor terms', m.intent.cose, m.terms.cose],
  ] as const)('%s: the URI form needs a smaller QR version than base64url, at ECC L and M', (name, message, terms) => {
    for (const ecc of ['low', 'medium'] as const) {
      const row = qrComparison(name, message, terms, ecc)
      expect(row.base45UriAlphanumeric.version, `${name} ${ecc}`).toBeLessThan(row.base64urlByte.version)
      // Percent-encoding costs at most one version over bare base45.
      expect(row.base45UriAlphanumeric.version - row.base45Alphanumeric.version).toBeLessThanOrEqual(1)
    }
  })

  it('a link drawn as a QR code reads back through the decoder and verifies', () => {
    const uri = toIntentcastUri(m.intent.cose, { terms: m.terms.cose })
    const matrix = encodeQR(uri, 'raw', { ecc: 'medium', encoding: 'alphanumeric', border: 4 })
    const scanned = decodeQR(toImage(matrix, 3))
    expect(scanned).toBe(uri)
    const link = parseIntentcastUri(scanned)
    return Promise.all([verify(link.message, { now, expect: 'intent' }), verify(link.terms!, { now, expect: 'terms' })])
  })
})
