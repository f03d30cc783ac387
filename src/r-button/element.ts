// Over 250 lines on purpose: a custom element is one class whose lifecycle callbacks, inputs
// and rendering share private state; the parts that can stand alone (reading, panel, template,
// vendor discovery) already live in their own files.
import { IntentcastError } from '../errors.js'
import type { TermSet } from '../model/term-set.js'
import type { MatchResult } from '../terms/index.js'
import { readTermSet } from './input.js'
import { renderPanel } from './panel.js'
import { readFailure, readMatch, UNKNOWN, type Reading, type RButtonElementState } from './reading.js'
import { TEMPLATE } from './template.js'
import { discoverVendor, vendorFromDeclaration, type Vendor } from './vendor.js'

/**
 * The `detail` of the `statechange` event.
 * @example
 * ```ts
 * button.addEventListener('statechange', (e) => {
 *   const { state, result, error } = (e as CustomEvent<RButtonStateDetail>).detail
 * })
 * ```
 */
export interface RButtonStateDetail {
  readonly state: RButtonElementState
  /** The match behind a lit, partial or dark state. */
  readonly result: MatchResult | undefined
  /** Why the state is unknown, when something could not be read, verified or fetched. */
  readonly error: string | undefined
}

// Importing this module under Node (SSR, tests, the library entry) must not fail for want of a
// DOM: the class then extends a stub, and defineRButton() does nothing.
const Base: typeof HTMLElement = globalThis.HTMLElement ?? (class {} as unknown as typeof HTMLElement)

/**
 * `<r-button>`: the relationship button, ⊂⊃. ⊂ is the customer (first party), ⊃ the vendor
 * (second party); they join and light when the vendor's terms meet the customer's.
 *
 * **Inputs**, each overriding the ones after it on the same side:
 * - customer: the `customerTerms` property, the `customer-terms` attribute (JSON TermSet);
 * - vendor: the `vendorTerms` property, the `vendor-terms` attribute (JSON TermSet), the
 *   `vendor-declaration` attribute (a signed `terms` JWS, verified), the `discover` attribute
 *   (empty for the page's origin, or an origin) to fetch and verify `/.well-known/intentcast`.
 *
 * **State**: the `state` property and attribute (`lit`, `partial`, `dark`, `unknown`) always hold
 * the current state, from the moment the element is connected (`unknown` until the first
 * evaluation ends, and when an input cannot be read, verified or fetched). A `statechange` event
 * (bubbling, composed, {@link RButtonStateDetail}) fires when the first evaluation ends and at
 * every change after it. A script that may run after the first evaluation (a module loaded
 * later, a framework mounting late) reads `state` once and then listens, so it never misses
 * the first state; CSS can select on the attribute (`r-button[state=lit] + .discount`).
 *
 * **Look**: light or dark as the page's `color-scheme` says (inherited, like the page's own
 * text; not the reader's system setting unless the page opts in with `color-scheme: light dark`);
 * the `theme` attribute (`light` or `dark`) forces one. CSS custom properties, set on `r-button`:
 * - `--r-button-lit`, `--r-button-partial`, `--r-button-dark`: the state colours (symbol, border,
 *   the panel's top rule and list marks); `dark` also colours `unknown`;
 * - `--r-button-error`: the ✕ of a required conflict and the tint behind an error;
 * - `--r-button-background`, `--r-button-text`: the button's and the panel's background and text
 *   (default: the system colours Canvas and CanvasText);
 * - `--r-button-muted`: secondary text (headings in the panel, notes, the close button).
 * Every default has text contrast of at least 4.5:1 (WCAG AA) in both schemes; a page that sets
 * its own colours keeps that promise itself. Parts for anything else: `button`, `symbol`,
 * `label`, `panel`. The font is the one set on `r-button` (default 14px system-ui).
 *
 * Nothing it is given makes it throw.
 * @example
 * ```html
 * <script type="module" src="/r-button.browser.js"></script>
 * <r-button discover customer-terms='{"agreements":["SD-BASE"]}' theme="dark"
 *   style="--r-button-lit: #7ee2a8"></r-button>
 * <script type="module">
 *   const button = document.querySelector('r-button')
 *   const show = () => (document.body.dataset.terms = button.state)
 *   button.addEventListener('statechange', show)
 *   show() // the state now: the first statechange may have fired before this script ran
 * </script>
 * ```
 */
export class RButtonElement extends Base {
  static readonly observedAttributes = ['customer-terms', 'vendor-terms', 'vendor-declaration', 'discover']

  #customer: TermSet | undefined
  #vendor: TermSet | undefined
  #reading: Reading = UNKNOWN
  /** The state the last `statechange` announced; undefined until the first evaluation ends. */
  #announced: RButtonElementState | undefined
  #queued = false
  /** Bumped per evaluation and on disconnect, so a late answer never overwrites a newer one. */
  #run = 0
  /** A verified or fetched vendor, kept while its source is unchanged: verifying and fetching are slow. */
  #source: { key: string; vendor: Promise<Vendor>; abort: AbortController } | undefined

  readonly #button: HTMLButtonElement
  readonly #label: HTMLElement
  readonly #panel: HTMLElement
  readonly #title: HTMLElement
  readonly #body: HTMLElement

  constructor() {
    super()
    const root = this.attachShadow({ mode: 'open' })
    root.innerHTML = TEMPLATE
    this.#button = root.querySelector('button')!
    this.#label = root.querySelector('[part=label]')!
    this.#panel = root.querySelector('.panel')!
    this.#title = root.querySelector('h2')!
    this.#body = this.#panel.lastElementChild as HTMLElement
    this.#button.addEventListener('click', () => (this.open ? this.#close(false) : this.#open()))
    root.querySelector('.x')!.addEventListener('click', () => this.#close(true))
    root.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Escape' && this.open) {
        e.preventDefault()
        this.#close(true)
      }
    })
    // Tabbing out of the panel closes it; a move within the shadow tree does not.
    root.addEventListener('focusout', (e) => {
      const to = (e as FocusEvent).relatedTarget
      if (to instanceof Node && !root.contains(to)) this.#close(false)
    })
  }

  /** The customer's terms, overriding the `customer-terms` attribute; undefined to fall back to it. */
  get customerTerms(): TermSet | undefined {
    return this.#customer
  }
  set customerTerms(value: TermSet | null | undefined) {
    this.#customer = value ?? undefined
    this.#schedule()
  }

  /** The vendor's terms, overriding every vendor attribute; undefined to fall back to them. */
  get vendorTerms(): TermSet | undefined {
    return this.#vendor
  }
  set vendorTerms(value: TermSet | null | undefined) {
    this.#vendor = value ?? undefined
    this.#schedule()
  }

  /** The current state, also reflected as the `state` attribute: `unknown` until the first evaluation ends. */
  get state(): RButtonElementState {
    return this.#reading.state
  }

  /** The match behind the current state; undefined while it is unknown. */
  get result(): MatchResult | undefined {
    return this.#reading.result
  }

  /** Whether the panel is open. */
  get open(): boolean {
    return !this.#panel.hidden
  }

  /** Custom-element lifecycle: on insertion into a document, renders and evaluates the terms. */
  connectedCallback(): void {
    // A page may set a property before this class is defined; that own property would hide
    // the accessor, so it is moved through the setter.
    for (const p of ['customerTerms', 'vendorTerms'] as const) {
      if (Object.hasOwn(this, p)) {
        const value = this[p]
        Reflect.deleteProperty(this, p)
        this[p] = value
      }
    }
    if (this.#announced === undefined) this.#render()
    this.#schedule()
  }

  /** Custom-element lifecycle: on removal, stops any fetch in flight and closes the panel. */
  disconnectedCallback(): void {
    this.#run++
    this.#source?.abort.abort()
    this.#source = undefined
    this.#close(false)
  }

  /** Custom-element lifecycle: an observed attribute changed, so the terms are evaluated again. */
  attributeChangedCallback(): void {
    this.#schedule()
  }

  /** Coalesces changes made together (several attributes, a property) into one evaluation. */
  #schedule(): void {
    if (this.#queued) return
    this.#queued = true
    queueMicrotask(() => {
      this.#queued = false
      if (this.isConnected) void this.#evaluate()
    })
  }

  async #evaluate(): Promise<void> {
    const run = ++this.#run
    const reading = await this.#read()
    if (run === this.#run) this.#show(reading)
  }

  async #read(): Promise<Reading> {
    let customer: TermSet
    try {
      customer = this.#customerInput()
    } catch (e) {
      return readFailure('Your terms', e)
    }
    try {
      return readMatch(customer, await this.#vendorInput())
    } catch (e) {
      return readFailure("The vendor's terms", e)
    }
  }

  #customerInput(): TermSet {
    if (this.#customer) return readTermSet(this.#customer, 'customerTerms')
    const json = this.getAttribute('customer-terms')
    if (json === null)
      throw new IntentcastError(
        'ERR_INVALID_ARGUMENT',
        'none given (the customer-terms attribute or the customerTerms property)',
      )
    return readTermSet(json, 'customer-terms')
  }

  #vendorInput(): Vendor | Promise<Vendor> {
    if (this.#vendor) return { terms: readTermSet(this.#vendor, 'vendorTerms') }
    const json = this.getAttribute('vendor-terms')
    if (json !== null) return { terms: readTermSet(json, 'vendor-terms') }
    const declaration = this.getAttribute('vendor-declaration')
    if (declaration !== null) return this.#load(`declaration ${declaration}`, () => vendorFromDeclaration(declaration))
    const discover = this.getAttribute('discover')
    if (discover === null)
      throw new IntentcastError('ERR_INVALID_ARGUMENT', 'none given (vendor-terms, vendor-declaration or discover)')
    const origin = discover || location.origin
    return this.#load(`discover ${origin}`, (signal) => discoverVendor(origin, signal))
  }

  /** The vendor from a slow source, loaded again only when the source changes. */
  #load(key: string, load: (signal: AbortSignal) => Promise<Vendor>): Promise<Vendor> {
    if (this.#source?.key !== key) {
      this.#source?.abort.abort()
      const abort = new AbortController()
      this.#source = { key, vendor: load(abort.signal), abort }
    }
    return this.#source.vendor
  }

  #show(reading: Reading): void {
    this.#reading = reading
    this.#render()
    if (reading.state !== this.#announced) {
      this.#announced = reading.state
      const detail: RButtonStateDetail = { state: reading.state, result: reading.result, error: reading.error }
      this.dispatchEvent(new CustomEvent('statechange', { detail, bubbles: true, composed: true }))
    }
  }

  #render(): void {
    const r = this.#reading
    this.setAttribute('state', r.state)
    this.#label.textContent = r.label
    renderPanel(this.#title, this.#body, r)
  }

  #open(): void {
    this.#panel.hidden = false
    // Opens to the right of the button, or to its left where the page has no room on the right.
    this.#panel.classList.remove('end')
    this.#panel.classList.toggle(
      'end',
      this.#panel.getBoundingClientRect().right > document.documentElement.clientWidth,
    )
    this.#button.setAttribute('aria-expanded', 'true')
    // Focus moves into the panel so a screen reader reads it and Tab reaches its close button.
    this.#panel.focus()
    document.addEventListener('pointerdown', this.#outside, true)
  }

  #close(returnFocus: boolean): void {
    if (!this.open) return
    this.#panel.hidden = true
    this.#button.setAttribute('aria-expanded', 'false')
    document.removeEventListener('pointerdown', this.#outside, true)
    if (returnFocus) this.#button.focus()
  }

  /** A press anywhere outside the element closes the panel, as with any popup. */
  readonly #outside = (e: Event): void => {
    if (!e.composedPath().includes(this)) this.#close(false)
  }
}

/**
 * Registers `<r-button>`. Safe to call more than once, and a no-op where there is no
 * `customElements` (Node, SSR), so a library can call it unconditionally.
 * @example
 * ```ts
 * import { defineRButton } from 'intentcast/r-button'
 *
 * defineRButton()
 * document.body.append(document.createElement('r-button'))
 * ```
 */
export function defineRButton(): void {
  if (typeof customElements !== 'undefined' && !customElements.get('r-button'))
    customElements.define('r-button', RButtonElement)
}

declare global {
  interface HTMLElementTagNameMap {
    'r-button': RButtonElement
  }
}
