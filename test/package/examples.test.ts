/**
 * Every runtime export of every package entry (a function, class or constant a program calls)
 * carries an `@example` in its doc comment, as the API reference (`npm run docs`) shows them.
 * Read with the TypeScript compiler from the entries tsup builds, so a new export without an
 * example fails here, naming it.
 */
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'

const config = JSON.parse(readFileSync(new URL('../../typedoc.json', import.meta.url), 'utf8')) as {
  entryPoints: string[]
}

function runtimeExportsWithoutExample(): string[] {
  const program = ts.createProgram(config.entryPoints, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
  })
  const checker = program.getTypeChecker()
  const missing: string[] = []
  for (const entry of config.entryPoints) {
    const source = program.getSourceFile(entry)!
    const module = checker.getSymbolAtLocation(source)!
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      if (!(symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable))) continue
      const tags = symbol.getJsDocTags(checker)
      const docs = (symbol.declarations ?? []).flatMap((d) => ts.getJSDocTags(d))
      if (!tags.some((t) => t.name === 'example') && !docs.some((t) => t.tagName.text === 'example'))
        missing.push(`${entry}: ${exported.name}`)
    }
  }
  return [...new Set(missing)]
}

describe('the API reference', () => {
  it('has an @example for every runtime export', () => {
    expect(runtimeExportsWithoutExample()).toEqual([])
  }, 120_000)
})
