import { STYLES } from './styles.js'

/**
 * The shadow tree, parsed once per element from constant markup: everything that varies (the
 * label and the panel's content) is set through textContent, so nothing from the page or the
 * vendor is ever parsed as HTML.
 *
 * ⊂ (class `c`) is the customer, the first party; ⊃ (class `v`) the vendor, the second party.
 * The paths meet at x = 24 when both are shifted 4 units towards each other (lit).
 * @example
 * ```ts
 * this.attachShadow({ mode: 'open' }).innerHTML = TEMPLATE
 * ```
 */
export const TEMPLATE = `<style>${STYLES}</style>
<button type="button" part="button" aria-expanded="false" aria-controls="panel">
<svg viewBox="0 0 48 24" aria-hidden="true" part="symbol"><path class="c" d="M20 4h-7a8 8 0 0 0 0 16h7"/><path class="v" d="M28 4h7a8 8 0 0 1 0 16h-7"/></svg>
<span part="label"></span>
</button>
<div class="panel" id="panel" part="panel" role="dialog" aria-labelledby="title" tabindex="-1" hidden>
<button type="button" class="x" aria-label="Close">×</button>
<h2 id="title"></h2>
<div></div>
</div>`
