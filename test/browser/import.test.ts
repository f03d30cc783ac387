/** `intentcast/r-button` must import cleanly where there is no DOM (Node, SSR), and register nothing. */
import { expect, it } from 'vitest'
import * as entry from '../../src/r-button/index.js'

it('imports under Node without a DOM, and defineRButton() is a no-op there', () => {
  expect(typeof globalThis.customElements).toBe('undefined')
  expect(Object.keys(entry).sort()).toEqual(['RButtonElement', 'defineRButton'])
  expect(entry.RButtonElement.observedAttributes).toEqual([
    'customer-terms',
    'vendor-terms',
    'vendor-declaration',
    'discover',
  ])
  expect(() => entry.defineRButton()).not.toThrow()
})
