/**
 * `intentcast/r-button`: the `<r-button>` custom element.
 *
 * Importing this registers nothing: the package is `"sideEffects": false`, so a bundler may drop
 * an import kept only for its side effect, and a registration that silently vanishes is worse
 * than an explicit call. Call `defineRButton()` once. The self-contained browser bundle
 * (`r-button.browser.js`, built from `browser.ts`) calls it for you.
 * @module
 */
export { defineRButton, RButtonElement, type RButtonStateDetail } from './element.js'
export type { RButtonElementState } from './reading.js'
