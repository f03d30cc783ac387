/** `npm run vectors`: regenerates spec/vectors/*.json. The vector test fails if they are stale. */
import { writeFileSync } from 'node:fs'
import { allVectors } from './vectors-all.js'

for (const [file, data] of Object.entries(await allVectors())) {
  writeFileSync(new URL(`../spec/vectors/${file}.json`, import.meta.url), JSON.stringify(data, null, 2) + '\n')
  console.log(`spec/vectors/${file}.json`)
}
