import * as z from 'zod/mini'
import * as core from 'zod/v4/core'

/**
 * zod/mini builds objects on zod's interpreted object parser to stay small; zod's compiled one
 * (what zod classic uses) parses an intent's object tree in about half the time, and `verify`
 * parses one such tree per message. This is `z.strictObject` on the compiled parser, with the
 * same definition and the same mini API. Where a page's CSP forbids eval, zod detects it and
 * falls back to the interpreted parser, so behaviour never differs — only speed.
 *
 * `$ZodObjectJIT`, `$constructor` and `ZodMiniType.init` are zod internals, not its documented
 * API: package.json pins zod to one minor (`~4.6.x`), and test/package/zod-internals.test.ts
 * fails if they change or if this parses anything differently from zod/mini's `z.strictObject`.
 * Run it before moving the pin.
 */
const objectJit: core.$constructor<core.$ZodObject> = core.$ZodObjectJIT
const miniType: core.$constructor<z.ZodMiniType> = z.ZodMiniType
const ZodMiniObjectJIT: core.$constructor<z.ZodMiniObject> = core.$constructor('ZodMiniObjectJIT', (inst, def) => {
  objectJit.init(inst, def)
  miniType.init(inst, def)
})

export function strictObject<T extends core.$ZodLooseShape>(shape: T): z.ZodMiniObject<T, core.$strict> {
  return new ZodMiniObjectJIT({ type: 'object', shape, catchall: z.never() }) as unknown as z.ZodMiniObject<
    T,
    core.$strict
  >
}
