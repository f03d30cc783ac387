/**
 * Near-valid term sets and declaration payloads for the differential tests of the element's
 * own checks (schema.ts, declaration.ts) against the SDK's zod schemas and `verify`.
 *
 * Each member is valid most of the time and, now and then, one of a list of ways to be wrong,
 * so that about half the values pass and the rest fail on one or two rules each: values that
 * are wrong everywhere would only test the first rule.
 */
import fc from 'fast-check'
import { CATALOG, type TermDefinition } from '../../src/model/catalog.js'
import { ROSTER } from '../../src/model/roster.js'

/** Usually `good`, sometimes `bad`. */
export const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>, odds = 14): fc.Arbitrary<T | U> =>
  fc.oneof({ weight: odds, arbitrary: good }, { weight: 1, arbitrary: bad })

const agreementId = mostly(
  fc.constantFrom(...ROSTER.flatMap((a) => [a.id, a.iri])),
  fc.constantFrom('NOT-7012', '', 'x'.repeat(129), 7, null, 'sd-base'),
)

const agreements = mostly(
  fc.array(agreementId, { minLength: 1, maxLength: 3 }),
  fc.constantFrom(
    [],
    Array.from({ length: 17 }, () => 'SD-BASE'),
    'SD-BASE',
    { 0: 'SD-BASE' },
  ),
)

const VALUES: Record<TermDefinition['type'], fc.Arbitrary<unknown>> = {
  obligation: fc.boolean(),
  number: fc.constantFrom('0', '7', '30', '90', '1999.00', '123456789012345678', '0.12345678'),
  date: fc.constantFrom('2026-11-27T18:00:00Z', '2024-02-29T00:00:00+01:00', '2026-01-01T23:59:59.123456789-05:30'),
  set: fc.uniqueArray(fc.constantFrom('card', 'paypal', 'sepa', 'DE', 'x.y:z-1', 'A'), { minLength: 1, maxLength: 4 }),
}

/** Values each wrong for some type, and some wrong for every type. */
const badValue = fc.constantFrom(
  null,
  'yes',
  1,
  '01',
  '1e3',
  '-1',
  '1.123456789',
  '2026-02-29T00:00:00Z',
  '2026-04-31T00:00:00Z',
  '2026-01-01T00:00:60Z',
  '2026-01-01',
  [],
  ['card', 'card'],
  ['bad token'],
  ['_x'],
  'x'.repeat(65),
  Array.from({ length: 33 }, (_, i) => `t${i}`),
  { value: true },
)

const UNITS: Record<string, fc.Arbitrary<string>> = {
  day: fc.constant('day'),
  month: fc.constant('month'),
  currency: fc.constantFrom('EUR', 'USD', 'GBP'),
}

const catalogTerm = fc.constantFrom(...CATALOG).chain((def) =>
  fc.record(
    {
      id: fc.constant(def.id),
      value: mostly(VALUES[def.type], badValue),
      ...(def.unit && { unit: mostly(UNITS[def.unit]!, fc.constantFrom('days', 'eur', 'EURO', '1day', 5)) }),
      required: mostly(fc.boolean(), fc.constantFrom('yes', 1, null)),
    },
    { requiredKeys: ['id', 'value', ...(def.unit ? ['unit' as const] : [])] },
  ),
)

const extensionTerm = fc
  .tuple(
    fc.constantFrom('obligation', 'number', 'date', 'set') as fc.Arbitrary<TermDefinition['type']>,
    fc.constantFrom('https://shop.example/terms#gift-wrap', 'http://x.example/t#a.b~c', 'https://s.example#z'),
  )
  .chain(([type, id]) =>
    fc.record(
      {
        id: mostly(fc.constant(id), fc.constantFrom('gift-wrap', 'https://shop.example/terms', 'https://a b#c')),
        type: mostly(fc.constant(type), fc.constantFrom('money', undefined)),
        value: mostly(VALUES[type], badValue),
        ...((type === 'number' || type === 'date') && {
          better: mostly(fc.constantFrom('lower', 'higher'), fc.constant('middle')),
        }),
        ...(type === 'number' && {
          unit: mostly(fc.constantFrom('kg', 'item', 'hour_1'), fc.constantFrom('1kg', '', 'x'.repeat(33))),
        }),
        required: fc.boolean(),
      },
      { requiredKeys: ['id', 'type', 'value'] },
    ),
  )

/** A term, sometimes with a member its type forbids or a member no term has. */
const term = fc
  .tuple(
    fc.oneof(catalogTerm, extensionTerm),
    mostly(
      fc.constant({}),
      fc.constantFrom({ type: 'number' }, { better: 'lower' }, { unit: 'day' }, { note: 'x' }, { constructor: 1 }),
      10,
    ),
  )
  .map(([t, extra]) => ({ ...t, ...extra }))

const conditions = mostly(
  fc.array(term, { maxLength: 4 }),
  fc.constantFrom(
    null,
    {},
    Array.from({ length: 65 }, () => ({})),
  ),
)

/** A near-valid TermSet. */
export const termSet: fc.Arbitrary<unknown> = mostly(
  fc
    .tuple(
      fc.record(
        { agreements, strict: mostly(fc.boolean(), fc.constantFrom('true', 0, null)), conditions },
        { requiredKeys: ['agreements'] },
      ),
      mostly(fc.constant({}), fc.constantFrom({ agreement: 'SD-BASE' }, { strict: undefined }), 10),
    )
    .map(([t, extra]) => ({ ...t, ...extra })),
  fc.constantFrom(null, [], 'SD-BASE', 42, { agreements: undefined }),
  20,
)

/** The DID, seconds and other primitives of a payload, each sometimes wrong. */
export const payloadOf = (iss: string): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .record(
      {
        v: mostly(fc.constant('0.1'), fc.constantFrom('0.2', 0.1, '')),
        iss: mostly(fc.constant(iss), fc.constantFrom('did:web:shop.example', 'did:Key:x', 'not a did', `${iss}#x`)),
        iat: mostly(
          fc.constantFrom(1767225600, 1767225600.0),
          fc.constantFrom(-1, 1.5, 100_000_000_001, '1767225600', -0),
        ),
        jti: mostly(
          fc.constantFrom('vector-jti-0007', 'a_b-c1234'),
          fc.constantFrom('short', 'x'.repeat(65), 'has space!'),
        ),
        exp: mostly(fc.constantFrom(1767229200, 1767312000), fc.constantFrom(1767225600, 1767225599, 0, 2.5)),
        role: mostly(fc.constantFrom('vendor', 'customer'), fc.constantFrom('Vendor', 'relay', null)),
        name: mostly(
          fc.constantFrom('Glasgow Prams', 'Lastenrad Berlin', 'x'.repeat(200), 'tab\tok', 'مرحبا', 'ok 😀'),
          fc.constantFrom('', 'x'.repeat(201), 'a\u0001b', '\ud800', 'a\udc00', 'del\u007f'),
        ),
        url: mostly(
          fc.constantFrom('https://shop.example', 'http://127.0.0.1:8080/x?y=1'),
          fc.constantFrom('ftp://shop.example', 'https://a b', 'shop.example', `https://${'x'.repeat(2048)}`),
        ),
        terms: termSet,
      },
      { requiredKeys: ['v', 'iss', 'iat', 'jti', 'role', 'terms'] },
    )
    .chain((p) =>
      mostly(fc.constant({}), fc.constantFrom({ aud: 'did:key:z6Mkanyone' }, { sub: 'x' }, { exp: undefined }), 10).map(
        (extra) => ({ ...p, ...extra }),
      ),
    )
