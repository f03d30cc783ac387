/**
 * Where commands write: human lines by default, one JSON document with --json. Everything the
 * CLI prints passes through here (or through `escapeControls`, for main's error lines), because
 * much of it is a peer's text: a problem's `detail`, a vendor's name or terms, an item name, a
 * DID. A terminal acts on some characters rather than showing them (`ESC ] 0 ;` retitles it,
 * `ESC [ 2 J` clears it, U+202E turns a line around), so no such character is ever written
 * raw: a human line shows it as a visible escape, a JSON document as a JSON `\u` escape. The
 * CLI's own text has none of them (and prints no colours) apart from the newline between lines,
 * which `lines` splits on before escaping.
 */

/**
 * What a terminal may act on: the C0 controls (newline and tab included: inside one line, a
 * peer's newline could forge the next line), DEL, the C1 controls, and the bidirectional
 * embeddings, overrides and isolates.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/** Those of them that JSON.stringify leaves raw (it escapes C0 itself). */
const JSON_UNSAFE = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

const hex = (c: string, width: number): string => c.charCodeAt(0).toString(16).padStart(width, '0')

/** One line of text with every character a terminal would act on shown as `\x1b` or `\u202e`. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => (c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`))
}

/**
 * JSON text as JSON.stringify wrote it, with the characters it leaves raw written as `\u`
 * escapes. They can only stand inside strings, so the document parses to the same value.
 */
export function escapeJson(text: string): string {
  return text.replace(JSON_UNSAFE, (c) => `\\u${hex(c, 4)}`)
}

export interface Output {
  readonly json: boolean
  /** One human line (nothing with --json); any control character in it is shown escaped. */
  line(text: string): void
  /**
   * Several human lines the CLI formatted itself (pretty JSON, a JWK): split at its newlines,
   * each then escaped as `line` does. Never for a peer's text, whose newlines are escaped.
   */
  lines(text: string): void
  result(human: () => void, data: unknown): void
  /**
   * For commands that run on (serve-vendor): a human line, or with --json one JSON document per
   * line (JSON Lines), so a script can read events as they happen.
   */
  event(human: string, data: Record<string, unknown>): void
}

export function createOutput(json: boolean, write: (s: string) => void = (s) => process.stdout.write(s)): Output {
  const line = (text: string): void => {
    if (!json) write(escapeControls(text) + '\n')
  }
  return {
    json,
    line,
    lines: (text) => text.split('\n').forEach(line),
    result: (human, data) => (json ? write(escapeJson(JSON.stringify(data, null, 2)) + '\n') : human()),
    event: (human, data) => write((json ? escapeJson(JSON.stringify(data)) : escapeControls(human)) + '\n'),
  }
}
