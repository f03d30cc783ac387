/**
 * The element's shadow stylesheet, kept terse: it counts against the browser bundle's 25 KB.
 *
 * - Light and dark follow the page, not the reader's system: `color-scheme` is inherited, so the
 *   host takes the page's (`:root { color-scheme: dark }`, or `light dark` to let the reader's
 *   preference decide), and the system colours (Canvas, CanvasText) and `light-dark()` below
 *   resolve against it. A page that says nothing gets light, as its own text does. The `theme`
 *   attribute (`light`, `dark`) forces one.
 * - Theming: a page sets the `--r-button-*` properties on `r-button` (the list is in element.ts),
 *   without reaching into the shadow tree. Every default passes WCAG AA (4.5:1) for text against
 *   the background in both schemes; test/browser/look.test.ts measures it.
 * - Motion: the magnets move by `transform` only, which `prefers-reduced-motion` makes a jump.
 *
 * ⊂ (`.c`) rests 3 units left and ⊃ (`.v`) 3 units right: apart. Partial brings them within a
 * hair with ⊃ at half strength; lit shifts each 4 units in, so they meet and close into one shape.
 * @example
 * ```ts
 * root.innerHTML = `<style>${STYLES}</style>…`
 * ```
 */
export const STYLES = `
:host{--r-button-lit:light-dark(#08783f,#3fca7d);--r-button-partial:light-dark(#a35a00,#e3a13b);--r-button-dark:light-dark(#6e7781,#8b949e);--r-button-error:light-dark(#c4212c,#ff7b72);--r-button-background:Canvas;--r-button-text:CanvasText;--r-button-muted:light-dark(#57606a,#9198a1);--c:var(--r-button-dark);--m:var(--r-button-muted);--b:var(--r-button-background);display:inline-block;position:relative;font:14px/1.4 system-ui,sans-serif}
:host([theme=light]){color-scheme:light}
:host([theme=dark]){color-scheme:dark}
:host([state=lit]){--c:var(--r-button-lit)}
:host([state=partial]){--c:var(--r-button-partial)}
button{font:inherit;color:var(--r-button-text);cursor:pointer;display:inline-flex;align-items:center;gap:.5em;padding:.3em .8em .3em .45em;border:1px solid var(--c);border-radius:99px;background:var(--b)}
:focus-visible{outline:2px solid var(--c);outline-offset:2px}
svg{width:2.4em;height:1.2em;overflow:visible}
path{fill:none;stroke:var(--c);stroke-width:4;stroke-linecap:round;transition:transform .4s cubic-bezier(.3,1.4,.5,1)}
.c{transform:translateX(-3px)}.v{transform:translateX(3px)}
:host([state=partial]) path{transform:none}
:host([state=partial]) .v{opacity:.45}
:host([state=lit]) .c{transform:translateX(4px)}:host([state=lit]) .v{transform:translateX(-4px)}
:host([state=lit]) svg{filter:drop-shadow(0 0 3px var(--c))}
:host([state=unknown]) path{stroke-dasharray:2 5}
.panel{position:absolute;z-index:999;top:calc(100% + .5em);left:0;width:max-content;max-width:min(24em,85vw);padding:.8em 1.1em;border:1px solid var(--m);border-top:4px solid var(--c);border-radius:10px;background:var(--b);color:var(--r-button-text);box-shadow:0 8px 24px #0004;outline:0}
.end{left:auto;right:0}
h2{font-size:1.05em;margin:0 1.5em .3em 0}
h3{font-size:.8em;text-transform:uppercase;color:var(--m);margin:.9em 0 .3em}
p,ul{margin:0;padding:0}
li{list-style:none;position:relative;padding-left:1.4em;margin:.3em 0}
li:before{position:absolute;left:0;font-weight:700;content:"✓"/"";color:var(--r-button-lit)}
.no li:before{content:"!"/"";color:var(--r-button-partial)}
.no .req:before{content:"✕"/"";color:var(--r-button-error)}
b,small{font-size:.8em;color:var(--m)}
.err{margin-top:.6em;padding:.4em .6em;border-radius:6px;background:color-mix(in srgb,var(--r-button-error) 12%,var(--b))}
small{display:block;margin-top:.9em;overflow-wrap:anywhere}
.x{position:absolute;top:.3em;right:.3em;border:0;font-size:1.3em;color:var(--m);background:none}
@media (prefers-reduced-motion:reduce){path{transition:none}}
`
