/**
 * The entry of `r-button.browser.js`, the bundle a page loads with
 * `<script type="module" src="…/r-button.browser.js">`: no build step on the page's side, so
 * loading it registers `<r-button>`. Its exports let a page script reach the class too.
 *
 * Built as one file that imports nothing (tsup.config.ts): a page that serves only this file
 * gets a working button, in browsers with and without native Ed25519.
 * @example
 * ```html
 * <script type="module">
 *   import { RButtonElement } from '/r-button.browser.js'
 *   customElements.get('r-button') === RButtonElement // true: loading it registered the element
 * </script>
 * ```
 */
import { defineRButton } from './element.js'

export * from './index.js'

defineRButton()
