/**
 * The element's shadow stylesheet, kept terse: it counts against the browser bundle's 30 KB.
 *
 * - Light and dark: `color-scheme: light dark` makes the system colours (Canvas, CanvasText)
 *   and `light-dark()` follow the reader's `prefers-color-scheme`.
 * - Theming: a page sets `--r-button-lit`, `--r-button-partial` or `--r-button-dark` on
 *   `r-button`, without reaching into the shadow tree.
 * - Motion: the magnets move by `transform` only, which `prefers-reduced-motion` makes a jump.
 *
 * ⊂ (`.c`) rests 3 units left and ⊃ (`.v`) 3 units right: apart. Partial brings them within a
 * hair with ⊃ at half strength; lit shifts each 4 units in, so they meet and close into one shape.
 */
export const STYLES = `
:host{--r-button-lit:light-dark(#08783f,#3fca7d);--r-button-partial:light-dark(#a35a00,#e3a13b);--r-button-dark:light-dark(#6e7781,#8b949e);--c:var(--r-button-dark);--m:light-dark(#57606a,#9198a1);color-scheme:light dark;display:inline-block;position:relative;font:14px/1.4 system-ui,sans-serif}
:host([state=lit]){--c:var(--r-button-lit)}
:host([state=partial]){--c:var(--r-button-partial)}
button{font:inherit;color:CanvasText;cursor:pointer;display:inline-flex;align-items:center;gap:.5em;padding:.3em .8em .3em .45em;border:1px solid var(--c);border-radius:99px;background:Canvas}
:focus-visible{outline:2px solid var(--c);outline-offset:2px}
svg{width:2.4em;height:1.2em;overflow:visible}
path{fill:none;stroke:var(--c);stroke-width:4;stroke-linecap:round;transition:transform .4s cubic-bezier(.3,1.4,.5,1)}
.c{transform:translateX(-3px)}.v{transform:translateX(3px)}
:host([state=partial]) path{transform:none}
:host([state=partial]) .v{opacity:.45}
:host([state=lit]) .c{transform:translateX(4px)}:host([state=lit]) .v{transform:translateX(-4px)}
:host([state=lit]) svg{filter:drop-shadow(0 0 3px var(--c))}
:host([state=unknown]) path{stroke-dasharray:2 5}
.panel{position:absolute;z-index:999;top:calc(100% + .5em);left:0;width:max-content;max-width:min(24em,85vw);padding:.8em 1.1em;border:1px solid var(--m);border-top:4px solid var(--c);border-radius:10px;background:Canvas;color:CanvasText;box-shadow:0 8px 24px #0004;outline:0}
.end{left:auto;right:0}
h2{font-size:1.05em;margin:0 1.5em .3em 0}
h3{font-size:.8em;text-transform:uppercase;color:var(--m);margin:.9em 0 .3em}
p,ul{margin:0;padding:0}
li{list-style:none;position:relative;padding-left:1.4em;margin:.3em 0}
li:before{position:absolute;left:0;font-weight:700;content:"✓"/"";color:var(--r-button-lit)}
.no li:before{content:"!"/"";color:var(--r-button-partial)}
.no .req:before{content:"✕"/"";color:#d1242f}
b,small{font-size:.8em;color:var(--m)}
.err{margin-top:.6em;padding:.4em .6em;border-radius:6px;background:#d1242f22}
small{display:block;margin-top:.9em;overflow-wrap:anywhere}
.x{position:absolute;top:.3em;right:.3em;border:0;font-size:1.3em;color:var(--m);background:none}
@media (prefers-reduced-motion:reduce){path{transition:none}}
`
