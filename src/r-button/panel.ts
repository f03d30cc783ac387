import { shortDid } from '../keys/did-key.js'
import type { Reading } from './reading.js'
import type { Vendor } from './vendor.js'

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  node.textContent = text
  if (className) node.className = className
  return node
}

/**
 * Who vouches for the vendor's terms, in words: the name the vendor signed, else its key as a
 * short DID. A name in `<bdi>`: it is whatever the vendor signed, and right-to-left text in it
 * must not reorder the sentence around it.
 */
function provenance(v: Vendor): HTMLElement {
  if (!v.signer) return el('small', 'Vendor terms given by the page, unsigned')
  const line = el('small', `Declaration${v.url ? ` for ${v.url}` : ''} signed by `)
  line.append(el('bdi', v.name ?? shortDid(v.signer)))
  // The whole key, for whoever wants to compare it: a name is only what the key's holder claims.
  line.title = v.signer
  return line
}

/**
 * Fills the panel from a reading. Every string goes in as text: conflict messages quote the
 * vendor's values, and a vendor's name is whatever it signed.
 * @example
 * ```ts
 * renderPanel(shadowRoot.querySelector('h2')!, shadowRoot.querySelector('.panel > div')!, readMatch(customer, vendor))
 * ```
 */
export function renderPanel(title: HTMLElement, body: HTMLElement, r: Reading): void {
  title.textContent = r.label
  const parts: HTMLElement[] = [el('p', r.summary)]
  if (r.error) parts.push(el('p', r.error, 'err'))
  if (r.agreed.length > 0) {
    const list = el('ul', '', 'ok')
    list.append(...r.agreed.map((line) => el('li', line)))
    parts.push(el('h3', 'Agreed'), list)
  }
  if (r.conflicts.length > 0) {
    const list = el('ul', '', 'no')
    for (const c of r.conflicts) {
      const item = el('li', `${c.message} `, c.required ? 'req' : undefined)
      if (c.required) item.append(el('b', 'required'))
      list.append(item)
    }
    parts.push(el('h3', 'Conflicts'), list)
  }
  if (r.vendor) parts.push(provenance(r.vendor))
  body.replaceChildren(...parts)
}
