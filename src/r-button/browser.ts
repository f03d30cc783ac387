/**
 * The entry of `r-button.browser.js`, the bundle a page loads with
 * `<script type="module" src="…/r-button.browser.js">`: no build step on the page's side, so
 * loading it registers `<r-button>`. Its exports let a page script reach the class too.
 */
import { defineRButton } from './element.js'

export * from './index.js'

defineRButton()
