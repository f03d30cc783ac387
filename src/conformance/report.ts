/**
 * What a conformance run produces: one result per check, each naming the spec section it tests,
 * and the table a person reads. A check passes, fails, or is skipped when what it needs did not
 * happen (a vendor that declined to offer has no offer to counter), which the spec allows and
 * which therefore never fails a run. The ids are stable, for scripts reading `--json`.
 */
import { isIntentcastError } from '../errors.js'

/** How one check came out. */
export type CheckStatus = 'pass' | 'fail' | 'skip'

/**
 * What a check is: a stable id, the spec section it tests, and one line saying what it expects.
 *
 * @example
 * ```ts
 * const spec: CheckSpec = { id: 'hostile.expired', section: '§Verification step 18', title: 'an expired intent is 422 ERR_EXPIRED' }
 * ```
 */
export interface CheckSpec {
  readonly id: string
  readonly section: string
  readonly title: string
}

/**
 * One check's outcome: the spec, its status, and a detail: why it failed, why it was skipped, or
 * a note on a pass that the spec allows in more than one way (a 202 instead of an offer).
 *
 * @example
 * ```ts
 * const failed = report.checks.filter((c: CheckResult) => c.status === 'fail').map((c) => `${c.id}: ${c.detail}`)
 * ```
 */
export interface CheckResult extends CheckSpec {
  readonly status: CheckStatus
  readonly detail?: string
}

/**
 * A whole run: what was tested, every check in the order it ran, and whether all passed
 * (skipped checks do not count against it).
 *
 * @example
 * ```ts
 * const report: ConformanceReport = await runVendorConformance('https://shop.example')
 * process.exitCode = report.passed ? 0 : 1
 * ```
 */
export interface ConformanceReport {
  readonly mode: 'vendor' | 'wallet'
  /** The vendor's origin, or the conformance vendor's URL a wallet was pointed at. */
  readonly target: string
  readonly checks: readonly CheckResult[]
  readonly passed: boolean
  /** Milliseconds the run took. */
  readonly ms: number
}

/** Thrown inside a check to fail it with a sentence; any other error fails it with its own message. */
export class CheckFailure extends Error {
  override readonly name = 'CheckFailure'
}

/** Fails the running check with `message` unless `condition` holds. */
export function expectThat(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailure(message)
}

/**
 * Collects check results in order. A check's body returns nothing to pass, a string to pass with
 * a note, or throws to fail; no failure of one check stops the run.
 */
export class Checklist {
  readonly #results: CheckResult[] = []

  /** Runs one check and records it; resolves whether it passed. */
  async check(spec: CheckSpec, body: () => Promise<string | void>): Promise<boolean> {
    try {
      const note = await body()
      this.#results.push({ ...spec, status: 'pass', ...(typeof note === 'string' && { detail: note }) })
      return true
    } catch (e) {
      this.#results.push({ ...spec, status: 'fail', detail: describe(e) })
      return false
    }
  }

  /** Records a check that could not run, and why. */
  skip(spec: CheckSpec, why: string): void {
    this.#results.push({ ...spec, status: 'skip', detail: why })
  }

  get results(): readonly CheckResult[] {
    return this.#results
  }
}

/** An error as one line: the SDK's code first, since that is what the spec names. */
function describe(e: unknown): string {
  if (isIntentcastError(e)) return `${e.code}: ${e.message}`
  if (e instanceof Error) return e.message
  return String(e)
}

/** A finished run, from its checks. */
export function makeReport(
  mode: ConformanceReport['mode'],
  target: string,
  checks: readonly CheckResult[],
  started: number,
): ConformanceReport {
  return {
    mode,
    target,
    checks,
    passed: checks.every((c) => c.status !== 'fail'),
    ms: Math.round(performance.now() - started),
  }
}

const MARK: Readonly<Record<CheckStatus, string>> = { pass: '✓', fail: '✗', skip: '-' }

/**
 * The report as lines of a table: a summary, then one row per check (its mark, id and spec
 * section). Below a failed row, what the check expects and what came instead; below a skipped
 * row, why; below a passed row, its note if it has one (a 202 the spec allows, say).
 *
 * @example
 * ```ts
 * for (const line of formatReport(report)) console.log(line)
 * ```
 */
export function formatReport(report: ConformanceReport): string[] {
  const count = (s: CheckStatus): number => report.checks.filter((c) => c.status === s).length
  const width = Math.max(...report.checks.map((c) => c.id.length), 5)
  const lines = [
    `intentcast conformance, ${report.mode} mode: ${report.target}`,
    `${report.checks.length} checks: ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped (${(report.ms / 1000).toFixed(1)} s)`,
    '',
    `   ${'check'.padEnd(width)}  spec section`,
  ]
  const under = (text: string): string => `   ${' '.repeat(width)}  ${text}`
  for (const c of report.checks) {
    lines.push(` ${MARK[c.status]} ${c.id.padEnd(width)}  ${c.section}`)
    if (c.status === 'fail') lines.push(under(`expects: ${c.title}`), under(`got:     ${c.detail ?? '(no detail)'}`))
    else if (c.detail !== undefined) lines.push(under(c.status === 'skip' ? `skipped: ${c.detail}` : c.detail))
  }
  lines.push(
    '',
    report.passed
      ? `conformant: every check passed${count('skip') > 0 ? ' (the skipped ones could not run, which the spec allows)' : ''}`
      : `not conformant: ${count('fail')} check${count('fail') === 1 ? '' : 's'} failed (✗)`,
  )
  return lines
}
