import { shortDid } from '../keys/did-key.js'
import type { Reading } from './reading.js'

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  node.textContent = text
  if (className) node.className = className
  return node
}

/**
 * Fills the panel from a reading. Every string goes in as text: conflict messages quote the
 * vendor's values, and a vendor's name is whatever it signed.
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
  const v = r.vendor
  if (v) {
    const from = v.url ? ` for ${v.url}` : ''
    parts.push(
      el(
        'small',
        v.signer ? `Declaration${from} signed by ${shortDid(v.signer)}` : 'Vendor terms given by the page, unsigned',
      ),
    )
  }
  body.replaceChildren(...parts)
}
