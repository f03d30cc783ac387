/**
 * spec/vectors/manifest.json lists every vector file with its count and SHA-256 (spec §Test
 * vectors): checked here against the files as they are on disk, so a file changed by hand, or
 * added without the manifest knowing, fails.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { COUNT, PROTOCOL_VERSION, SPEC_VERSION } from '../../scripts/vectors-all.js'
import { PROTOCOL_VERSION as WIRE_VERSION } from '../../src/model/primitives.js'

const DIR = fileURLToPath(new URL('../../spec/vectors/', import.meta.url))
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  spec: string
  protocol: string
  files: Array<{ file: string; count: number; sha256: string }>
}

/** Every file under spec/vectors, as a path relative to it. */
function files(dir = DIR, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? files(join(dir, name), `${prefix}${name}/`) : [`${prefix}${name}`],
  )
}

describe('the vectors manifest', () => {
  it('is for this version of the spec, whose messages carry the protocol version the SDK signs', () => {
    expect(manifest.spec).toBe(SPEC_VERSION)
    expect(manifest.protocol).toBe(PROTOCOL_VERSION)
    expect(manifest.protocol).toBe(WIRE_VERSION)
    const spec = readFileSync(new URL('../../spec/intentcast.md', import.meta.url), 'utf8')
    expect(spec.split('\n')[0]).toBe(`# intentcast wire specification, version ${SPEC_VERSION}`)
  })

  it('lists every vector file but itself, in name order', () => {
    const listed = manifest.files.map((f) => f.file)
    expect(listed).toEqual([...listed].sort())
    expect(new Set(listed)).toEqual(new Set(files().filter((f) => f !== 'manifest.json')))
  })

  for (const { file, count, sha256 } of manifest.files) {
    it(`${file}: ${count} vectors, its SHA-256`, () => {
      const bytes = readFileSync(join(DIR, file))
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256)
      expect(COUNT[file]!(JSON.parse(bytes.toString('utf8')))).toBe(count)
    })
  }
})
