/**
 * `intentcast/r-button`: the `<r-button>` custom element.
 *
 * Importing this registers nothing: the package is `"sideEffects": false`, so a bundler may drop
 * an import kept only for its side effect, and a registration that silently vanishes is worse
 * than an explicit call. Call `defineRButton()` once. The self-contained browser bundle
 * (`r-button.browser.js`, built from `browser.ts`) calls it for you. docs/r-button.md documents
 * the element: inputs, state, theming, verification.
 * @example
 * ```ts
 * import { defineRButton } from 'intentcast/r-button'
 *
 * defineRButton()
 * const button = document.createElement('r-button')
 * button.setAttribute('discover', '')
 * button.customerTerms = { agreements: ['SD-BASE'] }
 * document.body.append(button)
 * ```
 * @module
 */
export { defineRButton, RButtonElement, type RButtonStateDetail } from './element.js'
export type { RButtonElementState } from './reading.js'
