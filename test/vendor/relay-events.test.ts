/**
 * The vendor's reader of a relay's event stream (src/vendor/event-stream.ts, WHATWG HTML §9.2):
 * lines ending in LF, CR LF or CR, split anywhere across chunks; comments; multi-line data; a
 * bound on what one event may hold; and an abort that ends the reading.
 */
import { describe, expect, test } from 'vitest'
import { readEvents, type ServerSentEvent } from '../../src/vendor/event-stream.js'

const encoder = new TextEncoder()

/** A body that delivers `chunks` one by one, then ends (or stays open when `open`). */
function body(chunks: readonly string[], open = false): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(encoder.encode(chunks[i++]))
      else if (!open) controller.close()
    },
  })
}

async function all(chunks: readonly string[], max = 1_000): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = []
  for await (const e of readEvents(body(chunks), max, new AbortController().signal)) events.push(e)
  return events
}

describe('readEvents', () => {
  test('events with id and data, comments skipped, unnamed events are `message`', async () => {
    expect(await all([': keep-alive\n\nid: 1\nevent: message\ndata: {"a":1}\n\n', 'data: x\n\n'])).toEqual([
      { event: 'message', data: '{"a":1}', id: '1' },
      { event: 'message', data: 'x', id: '1' },
    ])
  })

  test('CR LF, CR and LF alike, even when a CR LF is split between chunks', async () => {
    const text = 'id: 7\r\ndata: a\r\n\r\nid: 8\rdata: b\r\rid: 9\ndata: c\n\n'
    const expected = [
      { event: 'message', data: 'a', id: '7' },
      { event: 'message', data: 'b', id: '8' },
      { event: 'message', data: 'c', id: '9' },
    ]
    for (let cut = 1; cut < text.length; cut++)
      expect(await all([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(expected)
  })

  test('data lines join with LF; one space after the colon is dropped; a blank event is not dispatched', async () => {
    expect(await all(['data:one\ndata:  two\n\n\n\nevent: x\n\n'])).toEqual([
      { event: 'message', data: 'one\n two', id: undefined },
    ])
  })

  test('an event larger than the bound ends the reading with ERR_TOO_LARGE', async () => {
    await expect(all([`data: ${'x'.repeat(2_000)}\n\n`], 1_000)).rejects.toMatchObject({ code: 'ERR_TOO_LARGE' })
    // Also when the line never ends.
    await expect(all(['data: ', 'x'.repeat(600), 'x'.repeat(600)], 1_000)).rejects.toMatchObject({
      code: 'ERR_TOO_LARGE',
    })
  })

  test('an abort ends a reading that waits for the next chunk', async () => {
    const controller = new AbortController()
    const seen: ServerSentEvent[] = []
    const reading = (async () => {
      for await (const e of readEvents(body(['data: x\n\n'], true), 1_000, controller.signal)) seen.push(e)
    })()
    await new Promise((resolve) => setTimeout(resolve, 20))
    controller.abort()
    await reading
    expect(seen).toHaveLength(1)
  })
})
